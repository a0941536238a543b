//! Password policy and argon2id hashing.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// OWASP's recommended argon2id parameters: 19 MiB, two passes, one lane.
pub const MEMORY_KIB: u32 = 19_456;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

/// A new password that satisfies the policy: 8–128 characters with at least
/// one letter and one digit.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let length = raw.chars().count();
        if !(8..=128).contains(&length) {
            return Err("密码长度须为 8–128 个字符");
        }
        let has_letter = raw.chars().any(|c| c.is_alphabetic());
        let has_digit = raw.chars().any(|c| c.is_ascii_digit());
        if !has_letter || !has_digit {
            return Err("密码须同时包含字母和数字");
        }
        Ok(Password(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Hashes and verifies passwords. Holds a dummy hash so that checking an
/// unknown login costs the same time as checking a wrong password.
pub struct Passwords {
    argon2: Argon2<'static>,
    dummy_hash: String,
}

/// What a verification found.
#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    No,
    Yes,
    /// Correct, but hashed with other parameters: store this new hash.
    YesRehashed(String),
}

impl Passwords {
    pub fn new() -> Self {
        let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
            .expect("constant argon2 parameters are valid");
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let dummy_hash = hash_with(&argon2, "zhiku-dummy-password-0");
        Passwords { argon2, dummy_hash }
    }

    pub fn hash(&self, password: &Password) -> String {
        hash_with(&self.argon2, password.expose())
    }

    /// Verifies `candidate` against `stored`; with `None` the dummy hash is
    /// checked (and the answer is always no).
    pub fn verify(&self, candidate: &str, stored: Option<&str>) -> Verified {
        let hash = stored.unwrap_or(&self.dummy_hash);
        let Ok(parsed) = PasswordHash::new(hash) else {
            return Verified::No;
        };
        if self.argon2.verify_password(candidate.as_bytes(), &parsed).is_err() || stored.is_none() {
            return Verified::No;
        }
        if self.is_current(&parsed) {
            Verified::Yes
        } else {
            Verified::YesRehashed(hash_with(&self.argon2, candidate))
        }
    }

    fn is_current(&self, hash: &PasswordHash<'_>) -> bool {
        let Ok(params) = Params::try_from(hash) else {
            return false;
        };
        hash.algorithm == argon2::ARGON2ID_IDENT
            && hash.version == Some(Version::V0x13.into())
            && params.m_cost() == MEMORY_KIB
            && params.t_cost() == ITERATIONS
            && params.p_cost() == PARALLELISM
    }
}

impl Default for Passwords {
    fn default() -> Self {
        Self::new()
    }
}

fn hash_with(argon2: &Argon2<'_>, password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    argon2
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2id hashing with valid parameters cannot fail")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_needs_length_letters_and_digits() {
        assert!(Password::parse("short1").is_err());
        assert!(Password::parse("onlyletters").is_err());
        assert!(Password::parse("1234567890").is_err());
        assert!(Password::parse("密码安全强度2026").is_ok());
        assert!(Password::parse(&"a1".repeat(65)).is_err());
    }

    #[test]
    fn hashes_use_argon2id_with_the_chosen_parameters() {
        let passwords = Passwords::new();
        let hash = passwords.hash(&Password::parse("correct horse 1").unwrap());
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert_eq!(passwords.verify("correct horse 1", Some(&hash)), Verified::Yes);
        assert_eq!(passwords.verify("wrong horse 1", Some(&hash)), Verified::No);
        assert_eq!(passwords.verify("zhiku-dummy-password-0", None), Verified::No);
    }

    #[test]
    fn old_parameters_are_upgraded_on_successful_login() {
        let weak = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(8192, 1, 1, None).unwrap());
        let old_hash = hash_with(&weak, "legacy pass 9");
        let passwords = Passwords::new();
        match passwords.verify("legacy pass 9", Some(&old_hash)) {
            Verified::YesRehashed(new_hash) => {
                assert!(new_hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
                assert_eq!(passwords.verify("legacy pass 9", Some(&new_hash)), Verified::Yes);
            }
            other => panic!("expected a rehash, got {other:?}"),
        }
        assert_eq!(passwords.verify("wrong", Some(&old_hash)), Verified::No);
    }
}
