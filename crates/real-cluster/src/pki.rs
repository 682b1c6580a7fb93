//! The keys and certificates of a test control plane, made with `openssl`:
//! one CA, a serving certificate for 127.0.0.1 (the API server's and the
//! policy server's), the service-account signing key, and a static token.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The files, in one folder.
pub struct Pki {
    pub ca: PathBuf,
    pub serving_cert: PathBuf,
    pub serving_key: PathBuf,
    pub service_account_key: PathBuf,
    pub service_account_public: PathBuf,
    pub tokens: PathBuf,
    /// The bearer token of `system:masters` (authorization is AlwaysAllow).
    pub token: String,
}

/// The CA, the serving certificate it signs (127.0.0.1 and localhost),
/// and the service-account key pair: one `openssl` command each.
const OPENSSL: [&str; 5] = [
    "req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=always-pull-images-test-CA",
    "req -newkey rsa:2048 -nodes -keyout serving.key -out serving.csr -subj /CN=127.0.0.1",
    "x509 -req -in serving.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out serving.crt -days 2 -extfile san.ext",
    "genrsa -out sa.key 2048",
    "rsa -in sa.key -pubout -out sa.pub",
];

fn openssl(dir: &Path, args: &[&str]) -> Result<(), String> {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("openssl is needed (apt-get install openssl): {e}"))?;
    match output.status.success() {
        true => Ok(()),
        false => Err(format!(
            "openssl {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        )),
    }
}

impl Pki {
    /// Makes every file in `dir`.
    pub fn make(dir: &Path) -> Result<Pki, String> {
        std::fs::write(
            dir.join("san.ext"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
        )
        .map_err(|e| e.to_string())?;
        for command in OPENSSL {
            openssl(dir, &command.split(' ').collect::<Vec<_>>())?;
        }
        let token = format!("always-pull-images-{}", std::process::id());
        let tokens = dir.join("tokens.csv");
        std::fs::write(&tokens, format!("{token},admin,admin,system:masters\n"))
            .map_err(|e| e.to_string())?;
        Ok(Pki {
            ca: dir.join("ca.crt"),
            serving_cert: dir.join("serving.crt"),
            serving_key: dir.join("serving.key"),
            service_account_key: dir.join("sa.key"),
            service_account_public: dir.join("sa.pub"),
            tokens,
            token,
        })
    }

    /// The CA certificate, PEM.
    pub fn ca_pem(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.ca).map_err(|e| format!("{}: {e}", self.ca.display()))
    }
}
