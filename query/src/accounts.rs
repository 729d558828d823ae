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
//!
//! Accounts read from a file ([`Accounts::load`]) follow the file while the server runs:
//! at most every [`RELOAD_INTERVAL`] a sign-in, a token check or a check of a browser's
//! sign-in ([`Accounts::is_active`]) reads the file again, and when its content changed
//! (`gerbang user add|passwd|token|revoke-tokens|disable|enable`, or an edit by hand),
//! the new accounts apply from then on: a disabled account or a revoked token stops
//! working without a restart. A file that cannot be read or does not parse after a change
//! keeps the last good accounts in force (nobody is let in or locked out by a broken
//! edit) and logs one error naming the file and the line, until the file changes again.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
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
/// How often at most accounts loaded from a file look at the file again.
pub const RELOAD_INTERVAL: Duration = Duration::from_secs(2);

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

/// The accounts that may sign in, and the record of recent failures. Loaded from a file,
/// they follow the file (see the module's documentation); the failures are kept across
/// reloads.
pub struct Accounts {
    current: RwLock<Arc<Known>>,
    /// The file the accounts were loaded from, when they were.
    source: Option<Source>,
    demo: bool,
    failures: Mutex<Failures>,
    /// Checked when the user is unknown, so that an unknown name takes as long as a known
    /// one and timing does not tell which names exist.
    decoy: String,
}

/// One good reading of the accounts.
#[derive(Debug, Default)]
struct Known {
    users: HashMap<String, Account>,
    /// SHA-256 (hex) of a token → the user holding it.
    tokens: HashMap<String, String>,
}

/// The accounts file and what was last seen of it.
#[derive(Debug)]
struct Source {
    path: PathBuf,
    interval: Duration,
    seen: Mutex<Seen>,
}

#[derive(Debug)]
struct Seen {
    /// When the file was last looked at.
    checked: Instant,
    /// SHA-256 of the content last looked at (good or not), or of the read error: an
    /// unchanged file is not parsed again, and a broken one is reported once.
    content: [u8; 32],
    /// Why the file as it is now is not in force, when it is not.
    problem: Option<String>,
}

impl fmt::Debug for Accounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known = self.known();
        f.debug_struct("Accounts")
            .field("users", &known.users.len())
            .field("tokens", &known.tokens.len())
            .field("demo", &self.demo)
            .field("file", &self.source.as_ref().map(|s| &s.path))
            .finish_non_exhaustive()
    }
}

impl Accounts {
    /// Reads an accounts file, and follows it from then on: see the module's
    /// documentation. Every problem names the file and the account or line.
    pub fn load(path: &Path) -> Result<Accounts> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| QueryError::Policy {
            origin: origin.clone(),
            message: format!(
                "cannot read the accounts file ({e}); create it with `gerbang user add`"
            ),
        })?;
        let mut accounts = Accounts::parse(&text, &origin)?;
        accounts.source = Some(Source {
            path: path.to_path_buf(),
            interval: RELOAD_INTERVAL,
            seen: Mutex::new(Seen {
                checked: Instant::now(),
                content: Sha256::digest(text.as_bytes()).into(),
                problem: None,
            }),
        });
        Ok(accounts)
    }

    /// Looks at the accounts file at most every `interval` (a zero interval: at every
    /// check, as tests do). Accounts not loaded from a file are unchanged.
    pub fn with_reload_interval(mut self, interval: Duration) -> Accounts {
        if let Some(source) = &mut self.source {
            source.interval = interval;
        }
        self
    }

    /// The file these accounts follow, if they were loaded from one.
    pub fn file(&self) -> Option<&Path> {
        self.source.as_ref().map(|s| s.path.as_path())
    }

    /// Reads accounts from the text of an accounts file; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Accounts> {
        let known = Accounts::known_of(text, origin)?;
        Ok(Accounts::with_known(known, false))
    }

    fn known_of(text: &str, origin: &str) -> Result<Known> {
        let file: AccountsFile = toml::from_str(text).map_err(|e| QueryError::Policy {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        Accounts::check_known(file, text, origin)
    }

    /// [`Accounts::known_of`] for a file that changed while the server runs: a problem is
    /// one line, with the line of the file it is on.
    fn reread(text: &str, origin: &str) -> std::result::Result<Known, String> {
        let file: AccountsFile = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|span| text[..span.start.min(text.len())].lines().count().max(1));
            let line = line.map(|l| format!(", line {l}")).unwrap_or_default();
            format!("{origin}{line}: {}", e.message().trim())
        })?;
        Accounts::check_known(file, text, origin).map_err(|e| match e {
            QueryError::Policy { origin, message } => format!("{origin}: {message}"),
            other => other.to_string(),
        })
    }

    fn check_known(file: AccountsFile, text: &str, origin: &str) -> Result<Known> {
        Accounts::check_accounts(file.users).map_err(|message| {
            // Where the account the problem is about starts, for whoever edits the file.
            let line = message
                .split_once("account '")
                .and_then(|(_, rest)| rest.split_once('\''))
                .and_then(|(name, _)| line_of_account(text, name));
            QueryError::Policy {
                origin: match line {
                    Some(line) => format!("{origin}, line {line}"),
                    None => origin.to_string(),
                },
                message,
            }
        })
    }

    /// Looks at the file again if it is time to: new accounts when its content changed
    /// and parses, the last good ones (and one error on standard error) when it does not.
    fn refresh(&self) {
        let Some(source) = &self.source else {
            return;
        };
        let mut seen = source.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if seen.checked.elapsed() < source.interval {
            return;
        }
        seen.checked = Instant::now();
        let origin = source.path.display().to_string();
        let read = std::fs::read_to_string(&source.path);
        let content: [u8; 32] = match &read {
            Ok(text) => Sha256::digest(text.as_bytes()).into(),
            Err(e) => Sha256::digest(format!("unreadable: {e}").as_bytes()).into(),
        };
        if content == seen.content {
            return;
        }
        seen.content = content;
        let known = read
            .map_err(|e| format!("{origin}: cannot read the accounts file ({e})"))
            .and_then(|text| Accounts::reread(&text, &origin));
        match known {
            Ok(known) => {
                let users = known.users.len();
                *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(known);
                seen.problem = None;
                eprintln!("accounts: read {origin} again after a change: {users} account(s)");
            }
            Err(error) => {
                eprintln!(
                    "error: the accounts file changed but cannot be used: {error}; the \
                     accounts as they were before the change stay in force until it is \
                     corrected"
                );
                seen.problem = Some(error);
            }
        }
    }

    /// Why the accounts file as it is now is not in force (it changed, and then could not
    /// be read or did not parse: the accounts before the change still are), after looking
    /// at the file if it is time to; `None` when the file is in force or there is none.
    pub fn problem(&self) -> Option<String> {
        self.refresh();
        let source = self.source.as_ref()?;
        source
            .seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .problem
            .clone()
    }

    /// The accounts in force, after looking at the file if it is time to.
    fn known(&self) -> Arc<Known> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn refreshed(&self) -> Arc<Known> {
        self.refresh();
        self.known()
    }

    /// Whether a sign-in made earlier for `principal` still holds: the account exists, is
    /// not disabled, and has the same agency and roles (after looking at the file if it is
    /// time to). A browser's sign-in is checked with this at every request.
    pub fn is_active(&self, principal: &Principal) -> bool {
        self.refreshed()
            .users
            .get(&principal.user)
            .is_some_and(|account| !account.disabled && account.principal() == *principal)
    }

    /// Nobody can sign in.
    pub fn nobody() -> Accounts {
        Accounts::with_known(Known::default(), false)
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
        let known = Accounts::check_accounts(accounts).unwrap_or_default();
        (Accounts::with_known(known, true), shown)
    }

    fn with_known(known: Known, demo: bool) -> Accounts {
        Accounts {
            current: RwLock::new(Arc::new(known)),
            source: None,
            demo,
            failures: Mutex::new(Failures::default()),
            decoy: hash_password(&random_text(16)).unwrap_or_default(),
        }
    }

    fn check_accounts(list: Vec<Account>) -> std::result::Result<Known, String> {
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
        Ok(Known { users, tokens })
    }

    /// Whether these are the demo's throw-away accounts.
    pub fn is_demo(&self) -> bool {
        self.demo
    }

    pub fn len(&self) -> usize {
        self.refreshed().users.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The accounts in force, sorted by name.
    pub fn accounts(&self) -> Vec<Account> {
        let mut all: Vec<Account> = self.refreshed().users.values().cloned().collect();
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
        let known = self.refreshed();
        let account = known.users.get(user);
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
        let known = self.refreshed();
        let account = known
            .tokens
            .get(&token_hash(token.trim()))
            .and_then(|user| known.users.get(user));
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

/// The line (from 1) of the accounts file where the account `name` is named.
fn line_of_account(text: &str, name: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            line.split_once('=').is_some_and(|(key, value)| {
                key.trim() == "name" && value.trim().trim_matches(['"', '\'']) == name
            })
        })
        .map(|index| index + 1)
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
        Accounts::check_accounts(file.users.clone())
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

    /// An accounts file with `budi` (two tokens) and `wati` (one); the tokens.
    fn followed_file(path: &Path) -> (String, String, String) {
        let mut editor = AccountsEditor::default();
        editor
            .add("budi", "immigration:leadership", None)
            .expect("add");
        editor.add("wati", "police:analyst", None).expect("add");
        let first = editor.add_token("budi").expect("token");
        let second = editor.add_token("budi").expect("token");
        let wati = editor.add_token("wati").expect("token");
        editor.save(path).expect("save");
        (first, second, wati)
    }

    fn change(path: &Path, edit: impl FnOnce(&mut AccountsEditor)) {
        let mut editor = AccountsEditor::open(path).expect("open");
        edit(&mut editor);
        editor.save(path).expect("save");
    }

    #[test]
    fn loaded_accounts_follow_the_file_disabling_and_revoking_at_the_next_check() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("users.toml");
        let (first, second, wati) = followed_file(&path);
        let accounts = Accounts::load(&path)
            .expect("load")
            .with_reload_interval(Duration::ZERO);
        assert_eq!(accounts.file(), Some(path.as_path()));
        let budi = accounts.sign_in_with_token(&first, PEER).expect("budi");
        assert!(accounts.is_active(&budi));

        change(&path, |e| {
            e.revoke_tokens("budi").expect("revoke");
        });
        assert_eq!(
            accounts.sign_in_with_token(&second, PEER),
            Err(SignInError::Refused)
        );
        // Revoking tokens leaves the account itself as it was.
        assert!(accounts.is_active(&budi));

        change(&path, |e| e.set_disabled("wati", true).expect("disable"));
        assert_eq!(
            accounts.sign_in_with_token(&wati, PEER),
            Err(SignInError::Disabled)
        );
        let wati_principal = Principal::parse("wati", "police:analyst").expect("principal");
        assert!(!accounts.is_active(&wati_principal));
        // Another agency or other roles than at sign-in: the sign-in no longer holds.
        let elsewhere = Principal::parse("budi", "customs:leadership").expect("principal");
        assert!(!accounts.is_active(&elsewhere));

        change(&path, |e| {
            e.add("sari", "customs:analyst", None).expect("add");
        });
        assert_eq!(accounts.len(), 3);
        assert_eq!(accounts.problem(), None);
    }

    #[test]
    fn a_file_broken_by_an_edit_keeps_the_last_good_accounts_and_names_the_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("users.toml");
        let (first, _, wati) = followed_file(&path);
        let accounts = Accounts::load(&path)
            .expect("load")
            .with_reload_interval(Duration::ZERO);
        let good = std::fs::read_to_string(&path).expect("read");
        // Line 4 of the edit has a key without a value.
        std::fs::write(
            &path,
            "[[user]]\nname = \"eve\"\nagency = \"customs\"\nroles =\n",
        )
        .expect("write");
        assert!(accounts.sign_in_with_token(&first, PEER).is_ok());
        assert!(accounts.sign_in_with_token(&wati, PEER).is_ok());
        assert_eq!(accounts.len(), 2);
        let problem = accounts.problem().expect("a problem");
        assert!(
            problem.starts_with(&format!("{}, line 4: ", path.display())),
            "{problem}"
        );
        assert!(!problem.contains('\n'), "one line: {problem}");

        // An account that does not check out (no role) is named with its line.
        let no_role = good.replacen("roles = [\"analyst\"]", "roles = []", 1);
        assert_ne!(no_role, good);
        std::fs::write(&path, &no_role).expect("write");
        let line = no_role
            .lines()
            .position(|l| l == "name = \"wati\"")
            .expect("wati")
            + 1;
        let problem = accounts.problem().expect("a problem");
        assert!(
            problem.starts_with(&format!("{}, line {line}: ", path.display()))
                && problem.contains("account 'wati' has no role"),
            "{problem}"
        );
        assert!(accounts.sign_in_with_token(&wati, PEER).is_ok());

        // The file gone: the accounts in force stay.
        std::fs::remove_file(&path).expect("remove");
        assert!(accounts.sign_in_with_token(&first, PEER).is_ok());
        assert!(accounts.problem().is_some());

        // Back and good: in force again, and changes apply.
        std::fs::write(&path, &good).expect("write");
        assert_eq!(accounts.problem(), None);
        change(&path, |e| e.set_disabled("budi", true).expect("disable"));
        assert_eq!(
            accounts.sign_in_with_token(&first, PEER),
            Err(SignInError::Disabled)
        );
    }

    #[test]
    fn the_file_is_looked_at_no_more_often_than_the_interval() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("users.toml");
        let (first, _, _) = followed_file(&path);
        let accounts = Accounts::load(&path)
            .expect("load")
            .with_reload_interval(Duration::from_secs(3600));
        change(&path, |e| e.set_disabled("budi", true).expect("disable"));
        // Within the interval the accounts as loaded hold.
        assert!(accounts.sign_in_with_token(&first, PEER).is_ok());
        // Accounts that were never loaded from a file have none to follow.
        assert_eq!(Accounts::nobody().file(), None);
    }
}
