//! What a run takes from its surroundings, read once in `cli::main` before any command starts:
//! the wall clock and the environment variables. Handlers take both from here, so one run sees
//! one instant and one environment.

use kliento::authority::jwt_source::Env;
use kliento::time::Timestamp;

/// The instant and the environment of one run.
pub struct Context {
    /// When the run started, to the millisecond (as veraid-js compares times).
    pub now: Timestamp,
    /// The environment variables that are valid UTF-8; unset and empty read the same.
    pub env: Env,
}

impl Context {
    /// Reads the clock and the environment.
    pub fn read() -> Self {
        let now = Timestamp::now();
        Self {
            now: Timestamp::from_millisecond(now.as_millisecond()).unwrap_or(now),
            env: Env::new(
                std::env::vars_os()
                    .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))),
            ),
        }
    }
}
