//! What every example shares: where it runs. Against real LiveVox when `LV_ACCESS` is set (with
//! `LV_CLIENT`, `LV_USER`, `LV_PASSWORD` and optionally `LV_ENV` = `na3`..`na6`), otherwise
//! against the bundled simulator (`livevox-sim`), started in-process on 127.0.0.1.

#![allow(dead_code)] // each example uses part of this module

use livevox_generated::{Client, Credentials, Environment};
use livevox_sim::{RunningSimulator, SimulatorBuilder};

/// Where an example talks to: the simulator it started (kept alive here) or LiveVox.
pub enum Target {
    Simulator(RunningSimulator),
    LiveVox,
}

impl Target {
    pub fn describe(&self) -> String {
        match self {
            Target::Simulator(sim) => format!("the bundled simulator at {} (set LV_ACCESS to use LiveVox)", sim.base_url()),
            Target::LiveVox => "LiveVox (LV_ACCESS is set)".to_string(),
        }
    }

    pub fn simulator(&self) -> Option<&RunningSimulator> {
        match self {
            Target::Simulator(sim) => Some(sim),
            Target::LiveVox => None,
        }
    }
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("LV_ACCESS is set, so LiveVox is used: set {name} too"))
}

fn environment() -> Result<Environment, String> {
    Ok(match std::env::var("LV_ENV").unwrap_or_else(|_| "na3".into()).to_ascii_lowercase().as_str() {
        "na3" => Environment::Na3,
        "na4" => Environment::Na4,
        "na5" => Environment::Na5,
        "na6" => Environment::Na6,
        other => return Err(format!("LV_ENV: unknown environment {other:?} (na3, na4, na5 or na6)")),
    })
}

/// A LiveVox client logged in as a user (or as an agent with `agent`), against LiveVox when the
/// environment says so, else against a simulator built by `sim`.
pub async fn connect(agent: bool, sim: SimulatorBuilder) -> Result<(Client, Target), Box<dyn std::error::Error>> {
    if let Ok(token) = std::env::var("LV_ACCESS") {
        let (client_name, user_name, password) = (env("LV_CLIENT")?, env("LV_USER")?, env("LV_PASSWORD")?);
        let credentials = if agent { Credentials::agent(client_name, user_name, password) } else { Credentials::user(client_name, user_name, password) };
        let client = Client::builder().environment(environment()?).access_token(token).credentials(credentials).build()?;
        return Ok((client, Target::LiveVox));
    }
    let sim = sim.start().await?;
    let user = if agent { sim.agent() } else { sim.user() };
    let credentials = if agent { Credentials::agent } else { Credentials::user };
    let credentials = credentials(user.client_name.as_str(), user.user_name.as_str(), user.password.as_str());
    let client = Client::builder()
        .base_url(sim.base_url())
        .allow_plain_http_for_loopback_tests()
        .access_token(sim.access_token())
        .credentials(credentials)
        .build()?;
    Ok((client, Target::Simulator(sim)))
}
