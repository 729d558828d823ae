//! Who may sign in: the accounts file, password and API-token checks, and the sign-in
//! rate limit. Every interface (dashboard, HTTP API, Postgres port) signs users in here and
//! gets a [`Principal`] whose sharing policies then decide what the user sees.
//!
//! The accounts file is TOML, named by `[auth] users_file` in `gerbang.toml` and managed
//! with `gerbang user`. It holds argon2id password hashes and SHA-256 hashes of API tokens,
//! never a password or a token itself:
//!
//! ```toml
//! [[user]]
//! name = "siti"
//! agency = "customs"
//! roles = ["analyst"]
//! password = "$argon2id$v=19$m=19456,t=2,p=1$…"
//! tokens = ["3f1c…"]          # SHA-256 (hex) of each API token
//! disabled = false
//! ```
//!
//! There is no default account and no default password. `gerbang demo` makes accounts
//! with random passwords for the one demo run ([`Accounts::demo`]) and prints them.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::fmt;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::SaltString;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{QueryError, Result};
use crate::policy::{Principal, Role};

/// Failed sign-ins allowed for one user name within [`FAILURE_WINDOW`].
pub const FAILURES_PER_USER: usize = 5;
/// Failed sign-ins allowed from one address within [`FAILURE_WINDOW`].
pub const FAILURES_PER_PEER: usize = 20;
/// How long a failed sign-in counts against the user and the address.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// API tokens start with this, so that a token pasted into a password field is recognised
/// and a leaked one is easy to search for.
pub const TOKEN_PREFIX: &str = "gbt_";
/// The shortest password `gerbang user` accepts.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// One account as stored in the accounts file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub name: String,
    pub agency: String,
    pub roles: BTreeSet<Role>,
    /// The argon2 PHC string of the password; empty when the account signs in with
    /// tokens only.
    #[serde(default)]
    pub password: String,
    /// SHA-256 (hex) of each API token the account holds.
    #[serde(default)]
    pub tokens: Vec<String>,
    #[serde(default)]
    pub disabled: bool,
}

impl Account {
    pub fn principal(&self) -> Principal {
        Principal::new(&self.name, &self.agency, self.roles.iter().copied())
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountsFile {
    #[serde(default, rename = "user")]
    users: Vec<Account>,
}

/// A demo account, with the password and token in clear so the demo can print them.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub user: String,
    pub agency: String,
    pub roles: String,
    pub password: String,
    pub token: String,
}

/// Why a sign-in failed. The texts are what the person signing in reads; an unknown user
/// and a wrong password give the same answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInError {
    Refused,
    TooMany { retry_after: Duration },
    Disabled,
}

impl fmt::Display for SignInError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignInError::Refused => f.write_str("wrong user name or password"),
            SignInError::TooMany { retry_after } => write!(
                f,
                "too many failed sign-ins; try again in {} minute(s)",
                retry_after.as_secs().div_ceil(60).max(1)
            ),
            SignInError::Disabled => {
                f.write_str("this account is disabled; ask your Gerbang administrator")
            }
        }
    }
}

impl std::error::Error for SignInError {}

/// The accounts that may sign in, and the record of recent failures.
pub struct Accounts {
    users: HashMap<String, Account>,
    /// SHA-256 (hex) of a token → the user holding it.
    tokens: HashMap<String, String>,
    demo: bool,
    failures: Mutex<Failures>,
    /// Checked when the user is unknown, so that an unknown name takes as long as a known
    /// one and timing does not tell which names exist.
    decoy: String,
}

impl fmt::Debug for Accounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Accounts")
            .field("users", &self.users.len())
            .field("tokens", &self.tokens.len())
            .field("demo", &self.demo)
            .finish_non_exhaustive()
    }
}

impl Accounts {
    /// Reads an accounts file. Every problem names the file and the account.
    pub fn load(path: &Path) -> Result<Accounts> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| QueryError::Policy {
            origin: origin.clone(),
            message: format!(
                "cannot read the accounts file ({e}); create it with `gerbang user add`"
            ),
        })?;
        Accounts::parse(&text, &origin)
    }

    /// Reads accounts from the text of an accounts file; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Accounts> {
        let file: AccountsFile = toml::from_str(text).map_err(|e| QueryError::Policy {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        Accounts::from_accounts(file.users, false).map_err(|message| QueryError::Policy {
            origin: origin.to_string(),
            message,
        })
    }

    /// Nobody can sign in.
    pub fn nobody() -> Accounts {
        Accounts::from_accounts(Vec::new(), false).unwrap_or_else(|_| unreachable_empty())
    }

    /// Accounts for one demo run, with random passwords and tokens: an analyst, a
    /// leadership and a data-owner account per agency, and one administrator. They live only
    /// in memory and are gone when the demo stops.
    pub fn demo(agencies: &[&str]) -> (Accounts, Vec<DemoAccount>) {
        let mut shown = Vec::new();
        let mut accounts = Vec::new();
        let mut add = |user: String, agency: &str, roles: &[Role]| {
            let password = random_text(16);
            let token = new_token();
            accounts.push(Account {
                name: user.clone(),
                agency: agency.to_string(),
                roles: roles.iter().copied().collect(),
                password: hash_password(&password).unwrap_or_default(),
                tokens: vec![token_hash(&token)],
                disabled: false,
            });
            shown.push(DemoAccount {
                user,
                agency: agency.to_string(),
                roles: roles
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                password,
                token,
            });
        };
        for agency in agencies {
            add(format!("{agency}-analyst"), agency, &[Role::Analyst]);
            add(format!("{agency}-leadership"), agency, &[Role::Leadership]);
            add(format!("{agency}-owner"), agency, &[Role::DataOwner]);
        }
        add("admin".to_string(), "gerbang", &[Role::Administrator]);
        let accounts =
            Accounts::from_accounts(accounts, true).unwrap_or_else(|_| unreachable_empty());
        (accounts, shown)
    }

    fn from_accounts(list: Vec<Account>, demo: bool) -> std::result::Result<Accounts, String> {
        let mut users = HashMap::new();
        let mut tokens = HashMap::new();
        for account in list {
            let name = &account.name;
            if name.trim().is_empty() || name.chars().any(char::is_whitespace) {
                return Err(format!(
                    "account '{name}': a user name must be non-empty and without spaces"
                ));
            }
            if account.roles.is_empty() {
                return Err(format!("account '{name}' has no role"));
            }
            Principal::parse(
                name,
                &format!("{}:{}", account.agency, account.roles_text()),
            )
            .map_err(|e| format!("account '{name}': {e}"))?;
            if !account.password.is_empty() && PasswordHash::new(&account.password).is_err() {
                return Err(format!(
                    "account '{name}': the password is not an argon2 hash; set it with \
                     `gerbang user passwd {name}`"
                ));
            }
            for token in &account.tokens {
                if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(format!(
                        "account '{name}': a token entry is not a SHA-256 hex hash; make \
                         tokens with `gerbang user token {name}`"
                    ));
                }
                if tokens
                    .insert(token.to_ascii_lowercase(), name.clone())
                    .is_some()
                {
                    return Err(format!("account '{name}': a token hash appears twice"));
                }
            }
            if users.insert(name.clone(), account.clone()).is_some() {
                return Err(format!("account '{name}' appears twice"));
            }
        }
        Ok(Accounts {
            users,
            tokens,
            demo,
            failures: Mutex::new(Failures::default()),
            decoy: hash_password(&random_text(16)).unwrap_or_default(),
        })
    }

    /// Whether these are the demo's throw-away accounts.
    pub fn is_demo(&self) -> bool {
        self.demo
    }

    pub fn len(&self) -> usize {
        self.users.len()
    }

    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    /// The accounts, sorted by name.
    pub fn accounts(&self) -> Vec<&Account> {
        let mut all: Vec<_> = self.users.values().collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all
    }

    /// Checks a user's password. Argon2 is deliberately slow (tens of milliseconds): call
    /// this inside `tokio::task::spawn_blocking`. Failures count against the user name and
    /// the address; once either has too many within [`FAILURE_WINDOW`], sign-in is refused
    /// without checking until the window has passed.
    pub fn sign_in(
        &self,
        user: &str,
        password: &str,
        peer: IpAddr,
    ) -> std::result::Result<Principal, SignInError> {
        if let Some(retry_after) = self.locked(Some(user), peer) {
            return Err(SignInError::TooMany { retry_after });
        }
        let account = self.users.get(user);
        let stored = account
            .map(|a| a.password.as_str())
            .filter(|p| !p.is_empty());
        let matches = verify(stored.unwrap_or(&self.decoy), password) && stored.is_some();
        match account {
            Some(account) if matches => {
                if account.disabled {
                    return Err(SignInError::Disabled);
                }
                self.lock_failures().clear_user(user);
                Ok(account.principal())
            }
            _ => {
                self.lock_failures().fail(Some(user), peer);
                Err(SignInError::Refused)
            }
        }
    }

    /// Checks an API token (`gbt_…`). Cheap; failures count against the address.
    pub fn sign_in_with_token(
        &self,
        token: &str,
        peer: IpAddr,
    ) -> std::result::Result<Principal, SignInError> {
        if let Some(retry_after) = self.locked(None, peer) {
            return Err(SignInError::TooMany { retry_after });
        }
        let account = self
            .tokens
            .get(&token_hash(token.trim()))
            .and_then(|user| self.users.get(user));
        match account {
            Some(account) if account.disabled => Err(SignInError::Disabled),
            Some(account) => Ok(account.principal()),
            None => {
                self.lock_failures().fail(None, peer);
                Err(SignInError::Refused)
            }
        }
    }

    fn locked(&self, user: Option<&str>, peer: IpAddr) -> Option<Duration> {
        self.lock_failures().locked(user, peer, Instant::now())
    }

    fn lock_failures(&self) -> std::sync::MutexGuard<'_, Failures> {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Account {
    fn roles_text(&self) -> String {
        self.roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Recent failed sign-ins per user name and per address.
#[derive(Debug, Default)]
struct Failures {
    by_user: HashMap<String, VecDeque<Instant>>,
    by_peer: HashMap<IpAddr, VecDeque<Instant>>,
}

impl Failures {
    fn locked(&mut self, user: Option<&str>, peer: IpAddr, now: Instant) -> Option<Duration> {
        let by_user = user.and_then(|u| self.by_user.get_mut(u));
        let user_wait = by_user.and_then(|times| wait(times, FAILURES_PER_USER, now));
        let peer_wait = self
            .by_peer
            .get_mut(&peer)
            .and_then(|times| wait(times, FAILURES_PER_PEER, now));
        user_wait.max(peer_wait)
    }

    fn fail(&mut self, user: Option<&str>, peer: IpAddr) {
        let now = Instant::now();
        // Bounded: only names that exist or were tried recently are kept, and old entries go.
        if self.by_user.len() > 100_000 {
            self.by_user
                .retain(|_, t| t.back().is_some_and(|l| now - *l < FAILURE_WINDOW));
        }
        if self.by_peer.len() > 100_000 {
            self.by_peer
                .retain(|_, t| t.back().is_some_and(|l| now - *l < FAILURE_WINDOW));
        }
        if let Some(user) = user {
            self.by_user
                .entry(user.to_string())
                .or_default()
                .push_back(now);
        }
        self.by_peer.entry(peer).or_default().push_back(now);
    }

    fn clear_user(&mut self, user: &str) {
        self.by_user.remove(user);
    }
}

/// How long until fewer than `allowed` failures remain in the window, if that many are in it.
fn wait(times: &mut VecDeque<Instant>, allowed: usize, now: Instant) -> Option<Duration> {
    while times
        .front()
        .is_some_and(|t| now.duration_since(*t) >= FAILURE_WINDOW)
    {
        times.pop_front();
    }
    if times.len() < allowed {
        return None;
    }
    let oldest_counted = times[times.len() - allowed];
    Some(FAILURE_WINDOW.saturating_sub(now.duration_since(oldest_counted)))
}

fn unreachable_empty() -> Accounts {
    Accounts {
        users: HashMap::new(),
        tokens: HashMap::new(),
        demo: false,
        failures: Mutex::new(Failures::default()),
        decoy: String::new(),
    }
}

/// The argon2id hash (PHC string) of a password, with a random salt.
pub fn hash_password(password: &str) -> Result<String> {
    let salt_bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| QueryError::Policy {
        origin: "accounts".to_string(),
        message: format!("could not make a password salt: {e}"),
    })?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| QueryError::Policy {
            origin: "accounts".to_string(),
            message: format!("could not hash the password: {e}"),
        })
}

fn verify(stored: &str, password: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A new random API token, `gbt_` and 40 hex digits (160 bits).
pub fn new_token() -> String {
    let bytes: [u8; 20] = rand::random();
    let mut token = String::from(TOKEN_PREFIX);
    for byte in bytes {
        token.push_str(&format!("{byte:02x}"));
    }
    token
}

/// What the accounts file stores of a token: its SHA-256, in hex.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn random_text(chars: usize) -> String {
    // No 0/O, 1/l/I: demo passwords are read off a terminal and typed.
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..chars)
        .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Editing an accounts file for `gerbang user`: read, change, write back atomically with
/// owner-only permissions.
#[derive(Debug, Default)]
pub struct AccountsEditor {
    file: AccountsFile,
}

impl AccountsEditor {
    /// The file's accounts, or none when the file does not exist yet.
    pub fn open(path: &Path) -> Result<AccountsEditor> {
        let origin = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(QueryError::Policy {
                    origin,
                    message: format!("cannot read the accounts file: {e}"),
                });
            }
        };
        let file: AccountsFile = toml::from_str(&text).map_err(|e| QueryError::Policy {
            origin: origin.clone(),
            message: e.to_string(),
        })?;
        Accounts::from_accounts(file.users.clone(), false)
            .map_err(|message| QueryError::Policy { origin, message })?;
        Ok(AccountsEditor { file })
    }

    pub fn accounts(&self) -> &[Account] {
        &self.file.users
    }

    fn find(&mut self, name: &str) -> Result<&mut Account> {
        self.file
            .users
            .iter_mut()
            .find(|a| a.name == name)
            .ok_or_else(|| QueryError::Policy {
                origin: "accounts".to_string(),
                message: format!("there is no account '{name}'; add it with `gerbang user add`"),
            })
    }

    /// Adds an account; `spec` is `agency:role[,role]`.
    pub fn add(&mut self, name: &str, spec: &str, password: Option<&str>) -> Result<()> {
        let principal = Principal::parse(name, spec)?;
        if self.file.users.iter().any(|a| a.name == name) {
            return Err(QueryError::Policy {
                origin: "accounts".to_string(),
                message: format!("account '{name}' exists already"),
            });
        }
        let password = match password {
            Some(password) => hash_password(checked_password(password)?)?,
            None => String::new(),
        };
        self.file.users.push(Account {
            name: name.to_string(),
            agency: principal.agency,
            roles: principal.roles,
            password,
            tokens: Vec::new(),
            disabled: false,
        });
        Ok(())
    }

    pub fn set_password(&mut self, name: &str, password: &str) -> Result<()> {
        let hash = hash_password(checked_password(password)?)?;
        self.find(name)?.password = hash;
        Ok(())
    }

    /// Gives the account a new API token and returns it; only its hash is stored.
    pub fn add_token(&mut self, name: &str) -> Result<String> {
        let token = new_token();
        self.find(name)?.tokens.push(token_hash(&token));
        Ok(token)
    }

    /// Removes every token of the account.
    pub fn revoke_tokens(&mut self, name: &str) -> Result<usize> {
        let account = self.find(name)?;
        let count = account.tokens.len();
        account.tokens.clear();
        Ok(count)
    }

    pub fn set_disabled(&mut self, name: &str, disabled: bool) -> Result<()> {
        self.find(name)?.disabled = disabled;
        Ok(())
    }

    /// Writes the file: a temporary file beside it, then a rename, readable by its owner
    /// only.
    pub fn save(&self, path: &Path) -> Result<()> {
        let origin = path.display().to_string();
        let fail = |e: std::io::Error| QueryError::Policy {
            origin: origin.clone(),
            message: format!("cannot write the accounts file: {e}"),
        };
        let text = toml::to_string_pretty(&self.file).map_err(|e| QueryError::Policy {
            origin: origin.clone(),
            message: e.to_string(),
        })?;
        let header = "# Gerbang accounts: argon2 password hashes and SHA-256 token hashes.\n\
                      # Managed with `gerbang user`. Keep it readable by the service only.\n\n";
        let temporary = path.with_extension("toml.tmp");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        {
            use std::io::Write;
            let mut out = options.open(&temporary).map_err(fail)?;
            out.write_all(header.as_bytes()).map_err(fail)?;
            out.write_all(text.as_bytes()).map_err(fail)?;
            out.sync_all().map_err(fail)?;
        }
        std::fs::rename(&temporary, path).map_err(fail)
    }
}

fn checked_password(password: &str) -> Result<&str> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(QueryError::Policy {
            origin: "accounts".to_string(),
            message: format!("a password needs at least {MIN_PASSWORD_CHARS} characters"),
        });
    }
    Ok(password)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    fn editor_with(name: &str, spec: &str, password: &str) -> AccountsEditor {
        let mut editor = AccountsEditor::default();
        editor.add(name, spec, Some(password)).expect("add");
        editor
    }

    fn accounts_of(editor: &AccountsEditor) -> Accounts {
        let text = toml::to_string(&editor.file).expect("serialise");
        Accounts::parse(&text, "test").expect("parse")
    }

    #[test]
    fn password_and_token_sign_in_give_the_accounts_principal() {
        let mut editor = editor_with("siti", "customs:analyst", "correct horse battery");
        let token = editor.add_token("siti").expect("token");
        assert!(token.starts_with(TOKEN_PREFIX) && token.len() == 44);
        let accounts = accounts_of(&editor);
        let principal = accounts
            .sign_in("siti", "correct horse battery", PEER)
            .expect("sign in");
        assert_eq!(principal.agency, "customs");
        assert!(principal.has(Role::Analyst));
        assert_eq!(
            accounts.sign_in_with_token(&token, PEER).expect("token"),
            principal
        );
        // The file holds neither the password nor the token.
        let text = toml::to_string(&editor.file).expect("serialise");
        assert!(!text.contains("correct horse") && !text.contains(&token));
        assert!(text.contains("$argon2id$"));
    }

    #[test]
    fn unknown_user_and_wrong_password_get_the_same_answer() {
        let accounts = accounts_of(&editor_with(
            "siti",
            "customs:analyst",
            "correct horse battery",
        ));
        let wrong = accounts.sign_in("siti", "wrong password!!", PEER);
        let unknown = accounts.sign_in("nobody", "correct horse battery", PEER);
        assert_eq!(wrong, Err(SignInError::Refused));
        assert_eq!(unknown, Err(SignInError::Refused));
        assert_eq!(
            accounts.sign_in_with_token("gbt_0000", PEER),
            Err(SignInError::Refused)
        );
    }

    #[test]
    fn the_sixth_failure_for_a_user_is_locked_out_even_with_the_right_password() {
        let accounts = accounts_of(&editor_with(
            "siti",
            "customs:analyst",
            "correct horse battery",
        ));
        for _ in 0..FAILURES_PER_USER {
            assert_eq!(
                accounts.sign_in("siti", "guess guess guess", PEER),
                Err(SignInError::Refused)
            );
        }
        match accounts.sign_in("siti", "correct horse battery", PEER) {
            Err(SignInError::TooMany { retry_after }) => {
                assert!(retry_after > Duration::ZERO && retry_after <= FAILURE_WINDOW);
            }
            other => panic!("expected a lock-out, got {other:?}"),
        }
        // Another address is not locked out for a different user.
        let other_peer = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));
        assert_eq!(
            accounts.sign_in("nobody", "x", other_peer),
            Err(SignInError::Refused)
        );
    }

    #[test]
    fn an_address_with_many_failures_is_locked_out_for_tokens_too() {
        let accounts = accounts_of(&editor_with(
            "siti",
            "customs:analyst",
            "correct horse battery",
        ));
        for _ in 0..FAILURES_PER_PEER {
            assert_eq!(
                accounts.sign_in_with_token("gbt_wrong", PEER),
                Err(SignInError::Refused)
            );
        }
        assert!(matches!(
            accounts.sign_in_with_token("gbt_wrong", PEER),
            Err(SignInError::TooMany { .. })
        ));
    }

    #[test]
    fn the_window_forgets_old_failures() {
        let now = Instant::now();
        let mut times: VecDeque<Instant> = (0..5).map(|_| now).collect();
        assert!(wait(&mut times, 5, now).is_some());
        let later = now + FAILURE_WINDOW;
        assert_eq!(wait(&mut times, 5, later), None);
        assert!(times.is_empty());
    }

    #[test]
    fn disabled_accounts_cannot_sign_in() {
        let mut editor = editor_with("siti", "customs:analyst", "correct horse battery");
        let token = editor.add_token("siti").expect("token");
        editor.set_disabled("siti", true).expect("disable");
        let accounts = accounts_of(&editor);
        assert_eq!(
            accounts.sign_in("siti", "correct horse battery", PEER),
            Err(SignInError::Disabled)
        );
        assert_eq!(
            accounts.sign_in_with_token(&token, PEER),
            Err(SignInError::Disabled)
        );
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let cases = [
            (
                "[[user]]\nname = \"a\"\nagency = \"customs\"\nroles = [\"boss\"]\n",
                "unknown variant",
            ),
            (
                "[[user]]\nname = \"a\"\nagency = \"customs\"\nroles = []\n",
                "has no role",
            ),
            (
                "[[user]]\nname = \"a\"\nagency = \"customs\"\nroles = [\"analyst\"]\npassword = \"hunter2\"\n",
                "not an argon2 hash",
            ),
            (
                "[[user]]\nname = \"a\"\nagency = \"customs\"\nroles = [\"analyst\"]\n\
                 [[user]]\nname = \"a\"\nagency = \"customs\"\nroles = [\"analyst\"]\n",
                "appears twice",
            ),
        ];
        for (text, expected) in cases {
            let error = Accounts::parse(text, "users.toml")
                .expect_err(text)
                .to_string();
            assert!(
                error.contains(expected) && error.contains("users.toml"),
                "{error}"
            );
        }
        assert!(
            AccountsEditor::default()
                .add("a", "customs:analyst", Some("short"))
                .is_err()
        );
    }

    #[test]
    fn demo_accounts_sign_in_with_their_printed_passwords() {
        let (accounts, shown) = Accounts::demo(&["customs"]);
        assert!(accounts.is_demo());
        assert_eq!(shown.len(), 4);
        let admin = shown.iter().find(|a| a.user == "admin").expect("admin");
        let principal = accounts
            .sign_in(&admin.user, &admin.password, PEER)
            .expect("admin signs in");
        assert!(principal.is_administrator());
        let analyst = &shown[0];
        assert_eq!(
            accounts
                .sign_in_with_token(&analyst.token, PEER)
                .expect("token")
                .user,
            "customs-analyst"
        );
        assert!(!Accounts::nobody().is_demo() && Accounts::nobody().is_empty());
    }

    #[test]
    fn the_editor_saves_owner_only_and_reads_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("users.toml");
        let mut editor = AccountsEditor::open(&path).expect("missing file is empty");
        editor
            .add(
                "budi",
                "immigration:leadership",
                Some("a long enough password"),
            )
            .expect("add");
        editor.save(&path).expect("save");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "accounts file is readable by others");
        }
        let accounts = Accounts::load(&path).expect("load");
        assert!(
            accounts
                .sign_in("budi", "a long enough password", PEER)
                .is_ok()
        );
    }
}
