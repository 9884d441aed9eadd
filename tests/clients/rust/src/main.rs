//! The scenario of tests/clients/README.md through Debian's rusqlite 0.28.
//!     invite-client INVITE_SO CATALOG DB
use rusqlite::{params, Connection, ErrorCode};

struct Check {
    failed: u32,
}

impl Check {
    fn check(&mut self, cond: bool, what: String) {
        println!("{} {}", if cond { "ok" } else { "FAIL" }, what);
        if !cond {
            self.failed += 1;
        }
    }
}

/// A verb's JSON answer read with SQLite's json_extract (no JSON crate needed).
fn field(db: &Connection, json: &str, path: &str) -> rusqlite::Result<rusqlite::types::Value> {
    db.query_row("SELECT json_extract(?1, ?2)", params![json, path], |r| r.get(0))
}

fn text(db: &Connection, json: &str, path: &str) -> String {
    match field(db, json, path) {
        Ok(rusqlite::types::Value::Text(s)) => s,
        other => format!("{:?}", other),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (so, catalog, path) = (&args[1], &args[2], &args[3]);
    let mut c = Check { failed: 0 };
    let db = Connection::open(path).expect("open");
    unsafe {
        // load_extension is unsafe in rusqlite: the library runs native code
        let _guard = rusqlite::LoadExtensionGuard::new(&db).expect("enable load_extension");
        db.load_extension(so, None::<&str>).expect("load the extension");
    }
    let version: i64 = db.query_row("SELECT invite_init()", [], |r| r.get(0)).unwrap_or(-1);
    c.check(version > 0, format!("invite_init() returns the schema version {}", version));
    let sql = std::fs::read_to_string(catalog).expect("catalog");
    let r = db.execute_batch(&sql);
    let n: i64 = db.query_row("SELECT count(*) FROM subscriptions", [], |r| r.get(0)).unwrap_or(0);
    c.check(r.is_ok() && n == 3, "catalog by plain SQL".into());

    // query_row, not execute: execute would throw the key away
    let created: String = db
        .query_row(
            "SELECT invite_create(?1, ?2, ?3, ?4, ?5)",
            params!["ann@example.com", 2i64, 4i32, 1u8, r#"{"first_name":"Ann","last_name":"Lee"}"#],
            |r| r.get(0),
        )
        .unwrap_or_default();
    let key = text(&db, &created, "$.key");
    let id = match field(&db, &created, "$.id") {
        Ok(rusqlite::types::Value::Integer(i)) => i,
        _ => -1,
    };
    c.check(key.len() >= 32, format!("invite_create with Rust integers: invite {}, key captured", id));
    let peek: String = db.query_row("SELECT invite_peek(?1)", [&key], |r| r.get(0)).unwrap_or_default();
    c.check(text(&db, &peek, "$.state") == "pending", "invite_peek: pending".into());
    let redeemed: String = db.query_row("SELECT invite_redeem(?1)", [&key], |r| r.get(0)).unwrap_or_default();
    c.check(text(&db, &redeemed, "$.kind") == "member", format!("invite_redeem: member ({})", redeemed));
    let peek: String = db.query_row("SELECT invite_peek(?1)", [&key], |r| r.get(0)).unwrap_or_default();
    let at = text(&db, &peek, "$.redeemed_at");
    let again = db.query_row("SELECT invite_redeem(?1)", [&key], |r| r.get::<_, String>(0));
    match again {
        Err(rusqlite::Error::SqliteFailure(e, Some(msg))) => {
            c.check(msg == format!("invite_redeem: key already used on {} UTC", at), format!("redeem twice: {}", msg));
            c.check(e.code == ErrorCode::ConstraintViolation, format!("redeem twice: ConstraintViolation ({:?})", e.code));
        }
        other => c.check(false, format!("redeem twice: {:?}", other)),
    }
    // an f64 id
    let r = db.query_row(
        r#"SELECT invite_create('bob@example.com', ?1, 4, 1, '{"first_name":"Bob","last_name":"Ng"}')"#,
        [2.0f64],
        |r| r.get::<_, String>(0),
    );
    c.check(r.is_ok(), format!("id 2.0 (f64) accepted as 2 ({:?})", r.err()));
    // bad UTF-8: a Rust &str cannot hold it; bytes cast to TEXT can
    let r = db.query_row(
        "SELECT invite_create(CAST(?1 AS TEXT), 2, 4, 1)",
        [&b"ann\xff@example.com"[..]],
        |r| r.get::<_, String>(0),
    );
    match r {
        Err(rusqlite::Error::SqliteFailure(_, Some(msg))) => c.check(
            msg.starts_with("invite_create: argument 1 (invitee) is not valid UTF-8"),
            format!("bad UTF-8 refused: {}", msg),
        ),
        other => c.check(false, format!("bad UTF-8 refused: {:?}", other)),
    }

    let plain = Connection::open(path).expect("open");
    let state: String = plain
        .query_row("SELECT state FROM invite_status WHERE invite_id = ?1", [id], |r| r.get(0))
        .unwrap_or_default();
    c.check(state == "accepted", "view invite_status without the extension".into());
    let count = |db: &Connection| -> i64 { db.query_row("SELECT count(*) FROM invites", [], |r| r.get(0)).unwrap_or(-1) };
    let before = count(&plain);
    match plain.execute("DELETE FROM invites", []) {
        Err(e) => c.check(
            e.to_string().starts_with("no such function: invite_"),
            format!("a write without the extension fails closed: {}", e),
        ),
        Ok(_) => c.check(false, "a write without the extension was accepted".into()),
    }
    c.check(count(&plain) == before, "nothing written".into());
    std::process::exit(if c.failed > 0 { 1 } else { 0 });
}
