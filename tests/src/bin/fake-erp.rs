//! `fake-erp`: the fake Odoo and aiM18 servers as a program, for testing an app (in any
//! language) without a real ERP.
//!
//! ```text
//! cargo run -p tests --bin fake-erp -- odoo --version 18.0 --port 8069 --user admin:admin
//! cargo run -p tests --bin fake-erp -- odoo --user bot:pw --groups bot:sales_team.group_sale_salesman
//! cargo run -p tests --bin fake-erp -- aim18 --port 8018 --client C-app:secret --user alice:pw
//! ```
//!
//! The first line printed is `listening on http://HOST:PORT`; the server then runs until it is
//! stopped (Ctrl-C, SIGTERM), or until its standard input is closed when that is a pipe (so a
//! test harness that spawns it with a piped stdin stops it by dropping the pipe; a stdin of
//! `/dev/null`, as for `fake-erp ... &` in a script, is not watched).

use std::io::{BufRead, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use tests::aim18::{self, FakeAim18};
use tests::odoo::{
    ADMIN_API_KEY, ADMIN_LOGIN, ADMIN_PASSWORD, DEMO_API_KEY, DEMO_LOGIN, DEMO_PASSWORD, FakeOdoo,
    OdooVersion, PORTAL_API_KEY, PORTAL_LOGIN, PORTAL_PASSWORD, SALESMAN_API_KEY, SALESMAN_LOGIN,
    SALESMAN_PASSWORD,
};

#[derive(Parser, Debug)]
#[command(
    name = "fake-erp",
    version,
    about = "Fake Odoo and aiM18 servers that speak the real wire protocols, for testing apps",
    long_about = "Fake Odoo and aiM18 servers that speak the real wire protocols, for testing apps.\n\n\
        Prints `listening on http://HOST:PORT` first, then what it serves, and runs until \
        stopped (Ctrl-C, SIGTERM), or until standard input is closed when it is a pipe."
)]
struct Cli {
    #[command(subcommand)]
    server: Server,
}

#[derive(Subcommand, Debug)]
enum Server {
    /// A fake Odoo 16.0-19.0 (JSON-RPC /jsonrpc, web session routes, JSON-2 on 19.0) with
    /// recorded metadata and demo records.
    Odoo(OdooArgs),
    /// A fake aiM18 (OAuth 2.0 token/entry, entity and root/api services, search).
    Aim18(Aim18Args),
}

#[derive(Args, Debug)]
struct Common {
    /// Port to listen on (0: a free port, printed on the first line).
    #[arg(long)]
    port: Option<u16>,
    /// Address to listen on. Anything but loopback exposes a server without real security.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Do not stop when standard input is closed (by default a piped stdin is watched).
    #[arg(long)]
    ignore_stdin: bool,
}

#[derive(Args, Debug)]
struct OdooArgs {
    #[command(flatten)]
    common: Common,
    /// The Odoo version to pose as: 16.0, 17.0, 18.0 or 19.0 (its recorded fixtures are used).
    #[arg(long, default_value = "18.0", value_parser = parse_version)]
    version: OdooVersion,
    /// Folder holding `odoo-<major>/` fixtures (default: the bundled recordings).
    #[arg(long, value_name = "DIR")]
    fixtures: Option<PathBuf>,
    /// Database name; repeat for several (default: as recorded, erp16 to erp19).
    #[arg(long = "database", value_name = "NAME")]
    databases: Vec<String>,
    /// Add a user, or change the password of admin/demo/portal (repeatable).
    #[arg(long = "user", value_name = "LOGIN:PASSWORD", value_parser = parse_pair)]
    users: Vec<(String, String)>,
    /// Give a user an API key (repeatable); the user is created if needed.
    #[arg(long = "api-key", value_name = "LOGIN:KEY", value_parser = parse_pair)]
    api_keys: Vec<(String, String)>,
    /// Answer a user with the rights of these groups, xml ids separated by commas (implied groups
    /// follow), as the recorded users demo, portal and salesman are answered (repeatable; the
    /// user is created if needed: give it a password with --user or a key with --api-key).
    #[arg(long = "groups", value_name = "LOGIN:GROUP[,GROUP...]", value_parser = parse_pair)]
    groups: Vec<(String, String)>,
    /// Only the 40 recorded partners, 30 products and 20 orders (no synthetic records).
    #[arg(long)]
    recorded_only: bool,
    /// Start with no records at all (model metadata only).
    #[arg(long, conflicts_with = "recorded_only")]
    empty: bool,
}

#[derive(Args, Debug)]
struct Aim18Args {
    #[command(flatten)]
    common: Common,
    /// Register an application (repeatable; default: the built-in test application).
    #[arg(long = "client", value_name = "ID:SECRET", value_parser = parse_pair)]
    clients: Vec<(String, String)>,
    /// Redirect URI registered for every application (repeatable).
    #[arg(long = "redirect-uri", value_name = "URI")]
    redirect_uris: Vec<String>,
    /// Register a user (repeatable; default: admin with the built-in password).
    #[arg(long = "user", value_name = "NAME:PASSWORD", value_parser = parse_pair)]
    users: Vec<(String, String)>,
    /// Lifetime of access tokens, in seconds (default 3600).
    #[arg(long, value_name = "SECONDS")]
    token_ttl: Option<u64>,
}

fn parse_version(s: &str) -> Result<OdooVersion, String> {
    s.parse::<OdooVersion>().map_err(|e| e.to_string())
}

fn parse_pair(s: &str) -> Result<(String, String), String> {
    match s.split_once(':') {
        Some((a, b)) if !a.is_empty() && !b.is_empty() => Ok((a.to_string(), b.to_string())),
        _ => Err(format!("expected NAME:SECRET, got {s:?}")),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.server {
        Server::Odoo(args) => run_odoo(args),
        Server::Aim18(args) => run_aim18(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fake-erp: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_odoo(args: OdooArgs) -> Result<(), String> {
    let mut builder = FakeOdoo::builder(args.version)
        .port(args.common.port.unwrap_or(8069))
        .bind(args.common.bind)
        .seed_demo(!args.empty)
        .seed_demo_large(!args.empty && !args.recorded_only);
    if let Some(dir) = &args.fixtures {
        builder = builder.fixtures_dir(dir);
    }
    if !args.databases.is_empty() {
        builder = builder.databases(args.databases.clone());
    }
    for (login, password) in &args.users {
        builder = builder.user(login, password);
    }
    for (login, key) in &args.api_keys {
        builder = builder.api_key(login, key);
    }
    for (login, groups) in &args.groups {
        builder = builder.user_groups(login, groups.split(',').map(str::trim));
    }
    let fake = builder.try_start().map_err(|e| e.to_string())?;

    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on {}", fake.url());
    let _ = writeln!(
        out,
        "odoo {} database{} {}: {} partners, {} products, {} sale orders, {} order lines",
        fake.version(),
        if fake.databases().len() > 1 { "s" } else { "" },
        fake.databases().join(", "),
        active(&fake, "res.partner"),
        active(&fake, "product.product"),
        active(&fake, "sale.order"),
        active(&fake, "sale.order.line"),
    );
    let given = |login: &str| args.users.iter().any(|(l, _)| l == login);
    let mut logins = Vec::new();
    for (login, password, role) in [
        (ADMIN_LOGIN, ADMIN_PASSWORD, "administrator"),
        (DEMO_LOGIN, DEMO_PASSWORD, "user"),
        (PORTAL_LOGIN, PORTAL_PASSWORD, "portal"),
        (
            SALESMAN_LOGIN,
            SALESMAN_PASSWORD,
            "only Sales / User: Own Documents Only",
        ),
    ] {
        let uid = fake.uid(login).unwrap_or_default();
        if given(login) {
            logins.push(format!("{login} (uid {uid}, {role}, password as given)"));
        } else {
            logins.push(format!("{login}:{password} (uid {uid}, {role})"));
        }
    }
    for (login, _) in &args.users {
        if ![ADMIN_LOGIN, DEMO_LOGIN, PORTAL_LOGIN, SALESMAN_LOGIN].contains(&login.as_str()) {
            let uid = fake.uid(login).unwrap_or_default();
            logins.push(format!("{login} (uid {uid}, user, password as given)"));
        }
    }
    let _ = writeln!(out, "logins: {}", logins.join(", "));
    let _ = writeln!(
        out,
        "rights: demo, portal, salesman and --groups users have their groups' rights (fields \
         and models they may not read are refused as on a real server)"
    );
    let mut keys = vec![
        format!("{ADMIN_LOGIN}:{ADMIN_API_KEY}"),
        format!("{DEMO_LOGIN}:{DEMO_API_KEY}"),
        format!("{PORTAL_LOGIN}:{PORTAL_API_KEY}"),
        format!("{SALESMAN_LOGIN}:{SALESMAN_API_KEY}"),
    ];
    keys.extend(
        args.api_keys
            .iter()
            .map(|(login, _)| format!("{login} (key as given)")),
    );
    let _ = writeln!(out, "api keys: {}", keys.join(", "));
    let _ = writeln!(
        out,
        "routes: POST /jsonrpc, /web/session/authenticate, /web/dataset/call_kw{}",
        if fake.version().has_json2() {
            ", /json/2/<model>/<method>"
        } else {
            ""
        }
    );
    let _ = out.flush();
    drop(out);
    serve_until_stopped(args.common.ignore_stdin);
    drop(fake);
    Ok(())
}

/// Records of `model` a search finds (archived ones left out).
fn active(fake: &FakeOdoo, model: &str) -> usize {
    fake.records(model)
        .iter()
        .filter(|r| r.get("active") != Some(&serde_json::Value::Bool(false)))
        .count()
}

fn run_aim18(args: Aim18Args) -> Result<(), String> {
    let mut builder = FakeAim18::builder();
    let redirect_uris = if args.redirect_uris.is_empty() {
        vec![aim18::DEFAULT_REDIRECT_URI.to_string()]
    } else {
        args.redirect_uris.clone()
    };
    let clients = if args.clients.is_empty() {
        vec![(
            aim18::DEFAULT_CLIENT_ID.to_string(),
            aim18::DEFAULT_CLIENT_SECRET.to_string(),
        )]
    } else {
        args.clients.clone()
    };
    for (id, secret) in &clients {
        builder = builder.client(id, secret, redirect_uris.iter().cloned());
    }
    let users = if args.users.is_empty() {
        vec![(
            aim18::DEFAULT_USER.to_string(),
            aim18::DEFAULT_PASSWORD.to_string(),
        )]
    } else {
        args.users.clone()
    };
    for (name, password) in &users {
        builder = builder.user(name, password);
    }
    if let Some(secs) = args.token_ttl {
        builder = builder.token_ttl(std::time::Duration::from_secs(secs));
    }
    let fake = builder.start();
    // The library's aiM18 fake always listens on a free loopback port; a plain TCP relay puts it
    // on the address asked for (every byte, faults included, passes through unchanged).
    let listen = SocketAddr::new(args.common.bind, args.common.port.unwrap_or(8018));
    let relay = Relay::start(listen, fake.addr())?;

    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on http://{}", relay.addr);
    let _ = writeln!(
        out,
        "aim18 modules: employee, cus, oldso, po ({} customers)",
        fake.entities("cus").len()
    );
    let client_list: Vec<String> = clients
        .iter()
        .map(|(id, secret)| {
            if args.clients.is_empty() {
                format!("{id}:{secret}")
            } else {
                format!("{id} (secret as given)")
            }
        })
        .collect();
    let _ = writeln!(out, "clients: {}", client_list.join(", "));
    let _ = writeln!(out, "redirect uris: {}", redirect_uris.join(", "));
    let user_list: Vec<String> = users
        .iter()
        .map(|(name, password)| {
            if args.users.is_empty() {
                format!("{name}:{password}")
            } else {
                format!("{name} (password as given)")
            }
        })
        .collect();
    let _ = writeln!(out, "users: {}", user_list.join(", "));
    let _ = writeln!(
        out,
        "routes: /jsf/rfws/oauth/token, /jsf/rfws/oauth/entry, /jsf/rfws/entity/..., /jsf/rfws/root/api/..., /jsf/rfws/search/search"
    );
    let _ = out.flush();
    drop(out);
    serve_until_stopped(args.common.ignore_stdin);
    drop(relay);
    drop(fake);
    Ok(())
}

/// Block until stdin is closed (when it is a pipe or socket and not ignored), else forever;
/// Ctrl-C and SIGTERM end the process with their default action.
fn serve_until_stopped(ignore_stdin: bool) {
    if !ignore_stdin && stdin_is_pipe() {
        let stdin = std::io::stdin();
        let mut line = String::new();
        let mut lock = stdin.lock();
        loop {
            line.clear();
            match lock.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    }
    loop {
        std::thread::park();
    }
}

#[cfg(unix)]
fn stdin_is_pipe() -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::FileTypeExt;
    let Ok(fd) = std::io::stdin().as_fd().try_clone_to_owned() else {
        return false;
    };
    std::fs::File::from(fd)
        .metadata()
        .map(|m| m.file_type().is_fifo() || m.file_type().is_socket())
        .unwrap_or(false)
}

#[cfg(not(unix))]
fn stdin_is_pipe() -> bool {
    false
}

/// A TCP relay from `addr` to the fake server, on its own thread and runtime.
struct Relay {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Relay {
    fn start(listen: SocketAddr, target: SocketAddr) -> Result<Relay, String> {
        let listener = std::net::TcpListener::bind(listen)
            .map_err(|e| format!("fake aiM18: cannot bind {listen}: {e}"))?;
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let (tx, mut rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("fake-aim18-relay".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("tokio runtime for the relay");
                rt.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                        return;
                    };
                    loop {
                        tokio::select! {
                            _ = &mut rx => return,
                            accepted = listener.accept() => {
                                let Ok((mut inbound, _)) = accepted else { continue };
                                tokio::spawn(async move {
                                    let _ = inbound.set_nodelay(true);
                                    let Ok(mut outbound) =
                                        tokio::net::TcpStream::connect(target).await
                                    else {
                                        return;
                                    };
                                    let _ = outbound.set_nodelay(true);
                                    let _ = tokio::io::copy_bidirectional(
                                        &mut inbound,
                                        &mut outbound,
                                    )
                                    .await;
                                });
                            }
                        }
                    }
                });
                rt.shutdown_background();
            })
            .map_err(|e| e.to_string())?;
        Ok(Relay {
            addr,
            stop: Some(tx),
            thread: Some(thread),
        })
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
