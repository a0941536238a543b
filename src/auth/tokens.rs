//! Access tokens (HS256 JWT) and opaque refresh tokens.

use std::path::Path;

use anyhow::Context;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Utc;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ids::SessionId;
use crate::ids::UserId;

pub const ISSUER: &str = "zhiku";
pub const AUDIENCE: &str = "zhiku-api";
/// Clock skew tolerated between nodes, in seconds.
pub const LEEWAY_SECONDS: u64 = 30;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The user id.
    pub sub: String,
    /// The session (refresh-token family) this token belongs to.
    pub sid: i64,
    pub iat: i64,
    pub exp: i64,
}

impl Claims {
    pub fn user_id(&self) -> Option<UserId> {
        self.sub.parse().ok().map(UserId)
    }

    pub fn session_id(&self) -> SessionId {
        SessionId(self.sid)
    }
}

/// Signs and checks access tokens with one pinned algorithm.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub access_ttl_seconds: i64,
}

impl TokenKeys {
    pub fn new(secret: &[u8], access_ttl_seconds: i64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_exp = true;
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_ttl_seconds,
        }
    }

    pub fn issue(&self, user: UserId, session: SessionId) -> anyhow::Result<String> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: user.0.to_string(),
            sid: session.0,
            iat: now,
            exp: now + self.access_ttl_seconds,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).context("signing access token")
    }

    /// Checks signature, algorithm, issuer, audience and expiry.
    pub fn check(&self, token: &str) -> Option<Claims> {
        decode::<Claims>(token, &self.decoding, &self.validation).ok().map(|data| data.claims)
    }
}

/// A fresh opaque refresh token: 256 random bits, base64url.
pub fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Refresh tokens are stored only as their SHA-256 (they are random, so no salt is needed).
pub fn hash_refresh_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The file in the data directory that keeps a generated JWT secret.
pub const SECRET_FILE: &str = "jwt_secret";

/// The JWT secret from the settings, or the one kept in `data_dir/jwt_secret`
/// (generated on first use, mode 0600).
pub fn load_or_create_secret(configured: Option<&str>, data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = configured {
        return Ok(secret.as_bytes().to_vec());
    }
    let path = data_dir.join(SECRET_FILE);
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim();
        if existing.len() >= 32 {
            return Ok(existing.as_bytes().to_vec());
        }
    }
    std::fs::create_dir_all(data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
    let mut bytes = [0u8; 48];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = URL_SAFE_NO_PAD.encode(bytes);
    write_private(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
    Ok(secret.into_bytes())
}

/// Writes a file only its owner may read (mode 0600).
#[cfg(unix)]
pub fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut file =
        std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
pub fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn issued_tokens_check_and_carry_user_and_session() {
        let keys = TokenKeys::new(SECRET, 900);
        let token = keys.issue(UserId(7), SessionId(3)).unwrap();
        let claims = keys.check(&token).unwrap();
        assert_eq!(claims.user_id(), Some(UserId(7)));
        assert_eq!(claims.session_id(), SessionId(3));
    }

    #[test]
    fn other_secret_expired_or_wrong_audience_fail() {
        let keys = TokenKeys::new(SECRET, 900);
        let other = TokenKeys::new(b"another secret of at least 32 bytes!", 900);
        assert!(keys.check(&other.issue(UserId(1), SessionId(1)).unwrap()).is_none());

        let expired = TokenKeys::new(SECRET, -(LEEWAY_SECONDS as i64) - 5);
        assert!(keys.check(&expired.issue(UserId(1), SessionId(1)).unwrap()).is_none());

        let now = Utc::now().timestamp();
        let claims = Claims {
            iss: ISSUER.into(),
            aud: "someone-else".into(),
            sub: "1".into(),
            sid: 1,
            iat: now,
            exp: now + 60,
        };
        let token =
            encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(SECRET)).unwrap();
        assert!(keys.check(&token).is_none());
    }

    #[test]
    fn refresh_tokens_are_long_random_and_hashed() {
        let a = new_refresh_token();
        assert!(a.len() >= 43);
        assert_ne!(a, new_refresh_token());
        assert_eq!(hash_refresh_token(&a).len(), 64);
        assert_ne!(hash_refresh_token(&a), a);
    }

    #[test]
    fn generated_secret_is_kept_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create_secret(None, dir.path()).unwrap();
        let second = load_or_create_secret(None, dir.path()).unwrap();
        assert_eq!(first, second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("jwt_secret")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
