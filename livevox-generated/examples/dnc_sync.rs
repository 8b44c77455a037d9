//! Keeps LiveVox's dial-time DNC list in step with a list of your own: walks every entry with
//! `items()` (one page of up to 1,000 entries at a time), adds the numbers LiveVox lacks in bulk,
//! and reports the ones LiveVox has that your list does not (deleted only with `--delete-extra`).
//!
//! ```sh
//! cargo run -p livevox-generated --example dnc_sync                     # against the simulator
//! cargo run -p livevox-generated --example dnc_sync -- numbers.txt      # one phone number a line
//! LV_ACCESS=... LV_CLIENT=... LV_USER=... LV_PASSWORD=... cargo run -p livevox-generated --example dnc_sync -- numbers.txt
//! ```

mod support;

use std::collections::BTreeSet;

use futures_util::StreamExt;
use livevox_generated::compliance::DialtimeDncEntry;

/// Adds are sent in chunks of this many entries.
const BULK: usize = 500;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let delete_extra = args.iter().any(|a| a == "--delete-extra");
    let file = args.iter().find(|a| !a.starts_with("--"));
    // The simulator holds 2,500 entries, so the walk takes three pages.
    let (client, target) = support::connect(false, livevox_sim::Simulator::builder().seed("DialtimeDncEntry", 2_500)).await?;
    println!("dnc_sync: talking to {}", target.describe());

    // 1. Every entry LiveVox has, page by page; only one page is held at a time.
    let mut remote: Vec<(Option<i64>, String)> = Vec::new();
    let mut items = client.compliance().list_dialtime_dnc().items();
    while let Some(entry) = items.next().await {
        let entry = entry?;
        remote.push((entry.id, entry.phone));
    }
    let remote_phones: BTreeSet<&str> = remote.iter().map(|(_, p)| p.as_str()).collect();
    println!("dnc_sync: the server lists {} dial-time DNC entries", remote.len());

    // 2. The list we want: a file, or (for the demo) half of what LiveVox has plus three new numbers.
    let wanted: BTreeSet<String> = match file {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("{path}: {e}"))?
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect(),
        None => remote.iter().step_by(2).map(|(_, p)| p.clone()).chain(["6175550901", "6175550902", "6175550903"].map(String::from)).collect(),
    };

    // 3. Add what is missing, in bulk.
    let missing: Vec<&String> = wanted.iter().filter(|p| !remote_phones.contains(p.as_str())).collect();
    let mut added = 0;
    for chunk in missing.chunks(BULK) {
        let entries: Vec<DialtimeDncEntry> = chunk.iter().map(|p| DialtimeDncEntry::new(p.as_str())).collect();
        let result = client.compliance().create_multiple_dialtime_dnc(entries).await?;
        added += result.processed_count;
    }
    let note = if target.simulator().is_some() { " (the simulator answers with the spec's example)" } else { "" };
    println!("dnc_sync: {} numbers were missing; the server reports {added} processed{note}", missing.len());

    // 4. What LiveVox has beyond our list.
    let extra: Vec<&(Option<i64>, String)> = remote.iter().filter(|(_, p)| !wanted.contains(p)).collect();
    if delete_extra {
        for (id, phone) in &extra {
            match id {
                Some(id) => client.compliance().delete_dialtime_dnc(*id).await?,
                None => eprintln!("dnc_sync: {phone} has no id; left in place"),
            }
        }
        println!("dnc_sync: deleted {} entries not on our list", extra.len());
    } else {
        println!("dnc_sync: {} entries are not on our list (run with --delete-extra to remove them)", extra.len());
    }
    if let Some(sim) = target.simulator() {
        let pages = sim.requests().iter().filter(|r| r.operation.as_deref() == Some("compliance.list_dialtime_dnc")).count();
        println!("dnc_sync: the walk took {pages} page requests");
    }
    Ok(())
}
