//! What the hand-written end-to-end tests share: a LiveVox client of the simulator, set up as
//! a user of the crate would set it up for one of the simulator's users.

use livevox_generated::{ClientBuilder, Credentials};
use livevox_sim::{RunningSimulator, SimUser};

/// A builder of a LiveVox client that logs in to `sim` as `user` (as an agent when the user is
/// one), over the simulator's plain-HTTP loopback address; the caller adds its own settings and
/// builds it.
pub fn sim_client(sim: &RunningSimulator, user: &SimUser) -> ClientBuilder {
    let credentials = if user.agent { Credentials::agent } else { Credentials::user };
    livevox_generated::Client::builder()
        .base_url(sim.base_url())
        .allow_plain_http_for_loopback_tests()
        .access_token(sim.access_token())
        .credentials(credentials(user.client_name.as_str(), user.user_name.as_str(), user.password.as_str()))
}
