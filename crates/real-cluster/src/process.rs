//! A child process that lives as long as its handle: killed by its pid and
//! reaped when dropped, whatever the test did, with its output in a log file.
//! It is started through util-linux's `setpriv --pdeathsig KILL`, so that it
//! dies with the test too when the test itself is killed (a timeout, a
//! signal): nothing is left running.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running program, stopped when dropped.
pub struct Process {
    pub name: &'static str,
    child: Child,
    log: PathBuf,
}

impl Process {
    /// Starts `command` with its output in `dir/<name>.log`.
    pub fn start(name: &'static str, command: Command, dir: &Path) -> Result<Process, String> {
        let mut command = with_parent_death_signal(&command);
        let log = dir.join(format!("{name}.log"));
        let file = File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err = file.try_clone().map_err(|e| e.to_string())?;
        let child = command
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(err)
            .env("RUST_BACKTRACE", "0")
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        Ok(Process { name, child, log })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `Err` with the end of its log when the process has exited.
    pub fn check_running(&mut self) -> Result<(), String> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => Err(format!(
                "{} exited with {status}:\n{}",
                self.name,
                self.log_tail()
            )),
            Err(e) => Err(format!("{}: {e}", self.name)),
        }
    }

    /// The last lines of its log.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `command`, run by `setpriv --pdeathsig KILL` (the same program and
/// arguments, environment and folder), when setpriv is there.
fn with_parent_death_signal(command: &Command) -> Command {
    let setpriv = Path::new("/usr/bin/setpriv");
    let mut wrapped = match setpriv.is_file() {
        true => {
            let mut wrapped = Command::new(setpriv);
            wrapped
                .args(["--pdeathsig", "KILL", "--"])
                .arg(command.get_program());
            wrapped
        }
        false => Command::new(command.get_program()),
    };
    wrapped.args(command.get_args());
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => wrapped.env(key, value),
            None => wrapped.env_remove(key),
        };
    }
    if let Some(dir) = command.get_current_dir() {
        wrapped.current_dir(dir);
    }
    wrapped
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

/// A fresh folder for one run, under the temporary directory.
pub fn scratch_dir(what: &str) -> Result<PathBuf, String> {
    static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "always-pull-images-{what}-{}-{n}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}
