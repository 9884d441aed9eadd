// driver.go — the cluster test: three invite-node processes on 127.0.0.1,
// driven through go-dqlite's database/sql driver and client.
//
//	driver -node build/release/invite-node -so build/release/invite.so \
//	       -work DIR -example PATH
//
// Prints "ok ..." / "FAIL ..." per check, the measured figures, and ends
// with "N passed, N failed". tests/cluster/run.sh builds and runs it.
package main

import (
	"bufio"
	"context"
	"database/sql"
	godriver "database/sql/driver"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/canonical/go-dqlite/client"
	"github.com/canonical/go-dqlite/driver"
)

var (
	flagNode    = flag.String("node", "build/release/invite-node", "invite-node binary")
	flagSo      = flag.String("so", "build/release/invite.so", "the extension")
	flagWork    = flag.String("work", "", "scratch directory")
	flagExample = flag.String("example", "", "examples/go binary to run against the cluster")
	flagLatency = flag.Int("latency-ms", 20, "--latency-ms of every node")
	flagRounds  = flag.Int("failovers", 5, "leader kills")
)

const dbName = "invite.db"

var nPass, nFail int

func check(ok bool, name string, format string, args ...interface{}) bool {
	detail := fmt.Sprintf(format, args...)
	if ok {
		nPass++
		fmt.Printf("ok   %s\n", name)
	} else {
		nFail++
		fmt.Printf("FAIL %s: %s\n", name, detail)
	}
	return ok
}

func fatal(format string, args ...interface{}) {
	nFail++
	fmt.Printf("FAIL %s\n", fmt.Sprintf(format, args...))
	shutdownAll()
	fmt.Printf("%d passed, %d failed\n", nPass, nFail)
	os.Exit(1)
}

// ---- node processes ----

type Node struct {
	ID   uint64
	Addr string
	Dir  string
	cmd  *exec.Cmd
	done chan struct{}
	exit error // of the last run, once done is closed
}

var nodes []*Node

func (n *Node) start() {
	args := []string{"--id", fmt.Sprint(n.ID), "--address", n.Addr, "--dir", n.Dir,
		"--latency-ms", fmt.Sprint(*flagLatency), "--extension", *flagSo}
	if n.ID != 1 {
		args = append(args, "--join", nodes[0].Addr+","+nodes[1].Addr+","+nodes[2].Addr)
	}
	cmd := exec.Command(*flagNode, args...)
	logf, err := os.OpenFile(filepath.Join(*flagWork, fmt.Sprintf("node%d.log", n.ID)),
		os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		fatal("node log: %v", err)
	}
	cmd.Stderr = logf
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		fatal("start node %d: %v", n.ID, err)
	}
	n.cmd = cmd
	n.done = make(chan struct{})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			select {
			case ready <- sc.Text():
			default:
			}
		}
	}()
	go func() { n.exit = cmd.Wait(); logf.Close(); close(n.done) }()
	select {
	case line := <-ready:
		if !strings.HasPrefix(line, "ready ") {
			fatal("node %d printed %q", n.ID, line)
		}
	case <-n.done:
		fatal("node %d exited before ready (see %s/node%d.log)", n.ID, *flagWork, n.ID)
	case <-time.After(60 * time.Second):
		fatal("node %d not ready after 60 s", n.ID)
	}
}

func (n *Node) alive() bool {
	if n.cmd == nil {
		return false
	}
	select {
	case <-n.done:
		return false
	default:
		return true
	}
}

func (n *Node) stop(sig syscall.Signal) {
	if !n.alive() {
		return
	}
	n.cmd.Process.Signal(sig)
	select {
	case <-n.done:
	case <-time.After(20 * time.Second):
		n.cmd.Process.Kill()
		<-n.done
	}
}

func shutdownAll() {
	for _, n := range nodes {
		if n != nil {
			n.stop(syscall.SIGTERM)
		}
	}
}

func allAlive() (bool, string) {
	var dead []string
	for _, n := range nodes {
		if !n.alive() {
			dead = append(dead, fmt.Sprint(n.ID))
		}
	}
	return len(dead) == 0, strings.Join(dead, ",")
}

func addresses() []string {
	var a []string
	for _, n := range nodes {
		a = append(a, n.Addr)
	}
	return a
}

func store() client.NodeStore {
	s := client.NewInmemNodeStore()
	var infos []client.NodeInfo
	for _, n := range nodes {
		infos = append(infos, client.NodeInfo{ID: n.ID, Address: n.Addr})
	}
	s.Set(context.Background(), infos)
	return s
}

var nDrivers int

// openDB: a database/sql handle of its own (its own driver instance).
func openDB() *sql.DB {
	drv, err := driver.New(store(), driver.WithLogFunc(func(client.LogLevel, string, ...interface{}) {}),
		driver.WithConnectionTimeout(500*time.Millisecond), driver.WithAttemptTimeout(250*time.Millisecond),
		driver.WithConnectionBackoffFactor(20*time.Millisecond), driver.WithConnectionBackoffCap(200*time.Millisecond),
		driver.WithContextTimeout(5*time.Second))
	if err != nil {
		fatal("driver: %v", err)
	}
	nDrivers++
	name := fmt.Sprintf("dqlite-%d", nDrivers)
	sql.Register(name, drv)
	db, err := sql.Open(name, dbName)
	if err != nil {
		fatal("open: %v", err)
	}
	return db
}

func leaderID() uint64 {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cli, err := client.FindLeader(ctx, store(), client.WithLogFunc(func(client.LogLevel, string, ...interface{}) {}))
	if err != nil {
		return 0
	}
	defer cli.Close()
	info, err := cli.Leader(ctx)
	if err != nil || info == nil {
		return 0
	}
	return info.ID
}

// ---- transactions: BEGIN IMMEDIATE / query / COMMIT on one connection ----

// inTx runs f inside BEGIN IMMEDIATE ... COMMIT on one connection. Errors
// before COMMIT roll back; a COMMIT error is returned as commitErr (the
// write may or may not have happened).
func inTx(db *sql.DB, f func(c *sql.Conn) error) (err error, commitErr error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := db.Conn(ctx)
	if err != nil {
		return err, nil
	}
	defer c.Close()
	if _, err = c.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		discard(c)
		return err, nil
	}
	if err = f(c); err != nil {
		if _, e := c.ExecContext(ctx, "ROLLBACK"); e != nil {
			discard(c)
		}
		return err, nil
	}
	if _, err = c.ExecContext(ctx, "COMMIT"); err != nil {
		discard(c)
		return nil, err
	}
	return nil, nil
}

// discard keeps a connection whose transaction state is unknown out of the
// pool: closing it makes the leader roll back whatever it still holds, so
// no later BEGIN IMMEDIATE meets "database is locked" for ever.
func discard(c *sql.Conn) {
	c.Raw(func(interface{}) error { return godriver.ErrBadConn })
}

// must: a transaction that has to succeed (retried over leader changes).
func must(db *sql.DB, what string, f func(c *sql.Conn) error) {
	var last error
	for i := 0; i < 50; i++ {
		err, cerr := inTx(db, f)
		if err == nil && cerr == nil {
			return
		}
		if err != nil {
			last = err
		} else {
			last = cerr
		}
		time.Sleep(100 * time.Millisecond)
	}
	fatal("%s: %v", what, last)
}

func queryText(c *sql.Conn, q string, args ...interface{}) (string, error) {
	var s sql.NullString
	err := c.QueryRowContext(context.Background(), q, args...).Scan(&s)
	return s.String, err
}

func verbErr(c *sql.Conn, err error) string {
	// dqlite 1.11 loses the text on the query path: ask the connection.
	t, e := queryText(c, "SELECT invite_last_error()")
	if e != nil {
		return fmt.Sprintf("%v (invite_last_error failed: %v)", err, e)
	}
	return t
}

func scalar(db *sql.DB, q string, args ...interface{}) int64 {
	var v int64
	var err error
	for i := 0; i < 50; i++ {
		if err = db.QueryRow(q, args...).Scan(&v); err == nil {
			return v
		}
		time.Sleep(100 * time.Millisecond)
	}
	fatal("%s: %v", q, err)
	return 0
}

// ---- the checks ----

const catalog = `
INSERT INTO businesses VALUES (1, 'Acme'), (2, 'Globex');
INSERT INTO apps VALUES (1, 'Ledger'), (2, 'Pager');
INSERT INTO subscriptions VALUES (1, 1, 1, 'Team', 3), (2, 1, 2, 'Free', NULL);
INSERT INTO roles VALUES (1, 1, 'Viewer', 10, 0), (2, 1, 'Editor', 20, 1), (4, 2, 'Pager user', 10, 0);
INSERT INTO users(id, email, first_name, last_name) VALUES
  (1, 'mia@acme.com', 'Mia', 'Manager'), (2, 'ed@acme.com', 'Ed', 'Editor'),
  (3, 'vic@acme.com', 'Vic', 'Viewer'), (4, 'zoe@example.org', 'Zoe', 'Existing');
INSERT INTO account_managers VALUES (1, 1);
INSERT INTO members(user_id, subscription_id, role_id) VALUES (2, 1, 2), (2, 2, 4), (3, 2, 4);
INSERT INTO security_profiles(id, name, description, enabled_for_invite) VALUES (1, 'Observer', 'view only', 1);
INSERT INTO portals(id, name, base_url) VALUES (1, 'Support', 'https://support.acme.com/join');
INSERT INTO sessions(id, subscription_id, owner_id) VALUES (1, 2, 2);
INSERT INTO settings(business_id, name, value) VALUES (NULL, 'invites_per_inviter_per_day', 0);
`

// createKeys makes n member invites for new people in one transaction.
func createKeys(db *sql.DB, tag string, n int) []string {
	var keys []string
	must(db, "create "+tag, func(c *sql.Conn) error {
		keys = keys[:0]
		for i := 0; i < n; i++ {
			opt := `{"first_name":"F","last_name":"L"}`
			k, err := queryText(c, "SELECT invite_create(?, 2, 4, 1, ?) ->> '$.key'",
				fmt.Sprintf("%s-%d@example.com", tag, i), opt)
			if err != nil {
				return fmt.Errorf("%s", verbErr(c, err))
			}
			keys = append(keys, k)
		}
		return nil
	})
	return keys
}

func setup(db *sql.DB) {
	must(db, "invite_init", func(c *sql.Conn) error {
		if _, err := queryText(c, "SELECT invite_init()"); err != nil {
			return fmt.Errorf("%s", verbErr(c, err))
		}
		_, err := c.ExecContext(context.Background(), catalog)
		return err
	})
}

func stillUp(name string, db *sql.DB) {
	ok, dead := allAlive()
	check(ok, name+": every node still up", "node(s) %s exited", dead)
	err, cerr := inTx(db, func(c *sql.Conn) error {
		_, err := queryText(c, "SELECT invite_clock(NULL)")
		return err
	})
	check(err == nil && cerr == nil, name+": the leader still takes a transaction", "%v %v", err, cerr)
}

func requestPaths(db *sql.DB) {
	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		fatal("conn: %v", err)
	}
	defer c.Close()
	before := scalar(db, "SELECT count(*) FROM invites")

	// query x autocommit: the request that used to abort the leader.
	_, err = queryText(c, "SELECT invite_create('pa@example.com', 2, 4, 1, '{\"first_name\":\"P\",\"last_name\":\"A\"}')")
	last, _ := queryText(c, "SELECT invite_last_error()")
	check(err != nil && strings.Contains(last, "invite_create: on dqlite call it inside a transaction"),
		"query, autocommit: refused", "err=%v last=%q", err, last)
	fmt.Printf("     (the client saw %q; invite_last_error(): %q)\n", fmt.Sprint(err), last)
	stillUp("query, autocommit", db)

	// exec x autocommit: refused with its text (the exec path keeps it).
	_, err = c.ExecContext(ctx, "SELECT invite_create('pb@example.com', 2, 4, 1, '{\"first_name\":\"P\",\"last_name\":\"B\"}')")
	check(err != nil && strings.Contains(err.Error(), "on dqlite call it inside a transaction"),
		"exec, autocommit: refused with the real text", "err=%v", err)
	stillUp("exec, autocommit", db)
	check(scalar(db, "SELECT count(*) FROM invites") == before, "autocommit refusals wrote nothing", "")

	// read-only verbs run in autocommit.
	var sa sql.NullInt64
	err = c.QueryRowContext(ctx, "SELECT seat_available(1)").Scan(&sa)
	check(err == nil && sa.Valid && sa.Int64 == 2, "query, autocommit: seat_available", "%v %v", err, sa)

	// query x transaction: the way to call a verb.
	var key string
	err, cerr := inTx(db, func(tc *sql.Conn) error {
		var e error
		key, e = queryText(tc, "SELECT invite_create('pc@example.com', 2, 4, 1, '{\"first_name\":\"P\",\"last_name\":\"C\"}') ->> '$.key'")
		return e
	})
	check(err == nil && cerr == nil && len(key) == 43, "query, transaction: invite_create returns the key", "%v %v %q", err, cerr, key)
	stillUp("query, transaction", db)

	// exec x transaction: the verb runs, dqlite finds a row it cannot
	// return and fails the request; the client rolls back: nothing is kept.
	before = scalar(db, "SELECT count(*) FROM invites")
	err, cerr = inTx(db, func(tc *sql.Conn) error {
		_, e := tc.ExecContext(ctx, "SELECT invite_create('pd@example.com', 2, 4, 1, '{\"first_name\":\"P\",\"last_name\":\"D\"}')")
		return e
	})
	after := scalar(db, "SELECT count(*) FROM invites")
	fmt.Printf("     (exec in a transaction: %v)\n", err)
	check(err != nil && strings.Contains(err.Error(), "another row available") && after == before,
		"exec, transaction: dqlite reports 'another row available'; rolled back, nothing kept", "err=%v commit=%v invites %d -> %d", err, cerr, before, after)
	stillUp("exec, transaction", db)

	// an attached schema is refused (on a connection of its own, closed
	// after: dqlite 1.11 fails any later COMMIT on it with "disk I/O error").
	ac, err := db.Conn(ctx)
	if err != nil {
		fatal("conn: %v", err)
	}
	_, err = ac.ExecContext(ctx, "ATTACH 'access.db' AS access")
	if err == nil {
		ac.ExecContext(ctx, "BEGIN IMMEDIATE")
		if _, e := queryText(ac, "SELECT invite_init('access')"); e != nil {
			err = fmt.Errorf("%s", verbErr(ac, e))
		}
		ac.ExecContext(ctx, "ROLLBACK")
		ac.ExecContext(ctx, "DETACH access")
	} else {
		err = fmt.Errorf("attach: %v", err)
	}
	discard(ac) // not back to the pool
	ac.Close()
	check(err != nil && strings.Contains(err.Error(), "invite_init: on dqlite only the database 'main' is replicated"),
		"invite_init on an attached schema: refused", "%v", err)
	stillUp("attached schema", db)
}

// tx1 runs one verb query in its own transaction and returns its text.
func tx1(db *sql.DB, q string, args ...interface{}) (string, error) {
	var out string
	var verr error
	err, cerr := inTx(db, func(c *sql.Conn) error {
		var e error
		out, e = queryText(c, q, args...)
		if e != nil {
			verr = fmt.Errorf("%s", verbErr(c, e))
			return verr
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return out, cerr
}

func verbGroups(db *sql.DB) {
	run := func(name, q string, args ...interface{}) string {
		out, err := tx1(db, q, args...)
		check(err == nil, name, "%v", err)
		return out
	}
	k := run("invite_create (existing user)", "SELECT invite_create(4, 1, 1, 1) ->> '$.key'")
	var state string
	db.QueryRow("SELECT invite_peek(?) ->> '$.state'", k).Scan(&state)
	check(state == "pending", "invite_peek (autocommit query)", "state %q", state)
	id := run("invite_resend", "SELECT invite_resend(invite_peek(?) ->> '$.invite_id') ->> '$.id'", k)
	k2 := run("invite_resend: a new key", "SELECT invite_resend(CAST(? AS INTEGER)) ->> '$.key'", id)
	_, err := tx1(db, "SELECT invite_redeem(?)", k)
	check(err != nil && strings.Contains(err.Error(), "replaced by a newer one"), "invite_redeem: the replaced key refused with its text", "%v", err)
	run("invite_redeem", "SELECT invite_redeem(?) ->> '$.member_id'", k2)
	kr := run("invite_create (to revoke)", "SELECT invite_create('rv@example.com', 2, 4, 1, '{\"first_name\":\"R\",\"last_name\":\"V\"}') ->> '$.id'")
	run("invite_revoke", "SELECT invite_revoke(CAST(? AS INTEGER))", kr)
	gk := run("guest_invite", "SELECT guest_invite('gina@example.com', 1, 1) ->> '$[0].key'")
	run("invite_redeem (guest)", "SELECT invite_redeem(?) ->> '$.kind'", gk)
	run("guest_renew", "SELECT guest_renew((SELECT max(id) FROM guests))")
	run("guest_remove", "SELECT guest_remove((SELECT max(id) FROM guests))")
	sk := run("session_invite", "SELECT session_invite(1, 2, 1, 'Dana') ->> '$.key'")
	run("invite_redeem (session)", "SELECT invite_redeem(?) ->> '$.kind'", sk)
	run("invite_notify_expiring", "SELECT invite_notify_expiring()")
	check(scalar(db, "SELECT count(*) FROM outbox") >= 4, "outbox: the emails were queued", "")
	v, err := tx1(db, "SELECT coalesce(invite_audit_verify(), 'intact')")
	check(err == nil && v == "intact", "invite_audit_verify", "%v %q", err, v)
	// A client that commits after each refusal keeps the failure records:
	// the source is refused on the cluster after the limit (10).
	for i := 0; i < 11; i++ {
		inTx(db, func(c *sql.Conn) error {
			queryText(c, "SELECT invite_redeem(?, NULL, 'src-2')", bogusKey)
			return nil // COMMIT what the refusal recorded
		})
	}
	_, err = tx1(db, "SELECT invite_redeem(?, NULL, 'src-2')", bogusKey)
	check(err != nil && strings.Contains(err.Error(), "too many failed attempts from this source"),
		"11 failed redemptions committed by the client: the source is refused on the cluster", "%v", err)
	// The failed-redemption defence must survive the client's rollback, on
	// the cluster as on one file.
	err, _ = inTx(db, func(c *sql.Conn) error {
		for i := 0; i < 11; i++ {
			queryText(c, "SELECT invite_redeem(?, NULL, 'src-1')", bogusKey)
		}
		return fmt.Errorf("rollback on purpose")
	})
	_, err = tx1(db, "SELECT invite_redeem(?, NULL, 'src-1')", bogusKey)
	onCluster := err != nil && strings.Contains(err.Error(), "too many failed attempts")
	onFile, fileText := defenceOnOneFile()
	check(onFile, "11 failed redemptions rolled back by the client: the source is refused on one file", "%s", fileText)
	check(onCluster, "11 failed redemptions rolled back by the client: the source is refused on the cluster", "%v", err)
}

const bogusKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

// defenceOnOneFile runs the same rollback scenario on a database file in the
// sqlite3 shell (the extension keeps rolled-back failures per file; none for
// an in-memory database): whether the source is refused afterwards.
func defenceOnOneFile() (bool, string) {
	script := "SELECT invite_init();\n" + catalog + "BEGIN IMMEDIATE;\n" +
		strings.Repeat("SELECT invite_redeem('"+bogusKey+"', NULL, 'src-1');\n", 11) +
		"ROLLBACK;\nSELECT invite_redeem('" + bogusKey + "', NULL, 'src-1');\n"
	file := filepath.Join(*flagWork, "one-file.db")
	os.Remove(file)
	cmd := exec.Command("sqlite3", "-batch", file, "-cmd", ".load "+strings.TrimSuffix(*flagSo, ".so"))
	cmd.Stdin = strings.NewReader(script)
	out, _ := cmd.CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	last := lines[len(lines)-1]
	return strings.Contains(last, "too many failed attempts"), last
}

// dumps: each node's database (its own copy, through the Dump request),
// as the sqlite3 shell's .dump text.
func dumps() ([]string, error) {
	var out []string
	for _, n := range nodes {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		cli, err := client.New(ctx, n.Addr, client.WithLogFunc(func(client.LogLevel, string, ...interface{}) {}))
		if err != nil {
			cancel()
			return nil, err
		}
		files, err := cli.Dump(ctx, dbName)
		cli.Close()
		cancel()
		if err != nil {
			return nil, fmt.Errorf("node %d: %v", n.ID, err)
		}
		dir := filepath.Join(*flagWork, fmt.Sprintf("dump%d", n.ID))
		os.RemoveAll(dir)
		os.MkdirAll(dir, 0o755)
		for _, f := range files {
			os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644)
		}
		text, err := exec.Command("sqlite3", filepath.Join(dir, dbName), ".dump").Output()
		if err != nil {
			return nil, fmt.Errorf("node %d .dump: %v", n.ID, err)
		}
		out = append(out, string(text))
	}
	return out, nil
}

func sameDumps(name string) {
	var d []string
	var err error
	for i := 0; i < 50; i++ { // a follower applies committed entries a little later
		d, err = dumps()
		if err == nil && d[0] == d[1] && d[1] == d[2] {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !check(err == nil && d[0] == d[1] && d[1] == d[2] && len(d[0]) > 1000, name,
		"err=%v sizes %d", err, func() []int {
			var s []int
			for _, x := range d {
				s = append(s, len(x))
			}
			return s
		}()) {
		return
	}
	fmt.Printf("     (%d bytes of .dump, %d lines, identical on nodes 1-3)\n", len(d[0]), strings.Count(d[0], "\n"))
}

// redeem redeems key until it is acknowledged, retrying over leader
// changes; a COMMIT whose answer was lost is settled with invite_peek.
func redeem(db *sql.DB, key string) (acks int, ambiguous int, err error) {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		verr, cerr := inTx(db, func(c *sql.Conn) error {
			_, e := queryText(c, "SELECT invite_redeem(?)", key)
			if e != nil {
				return fmt.Errorf("%s", verbErr(c, e))
			}
			return nil
		})
		if verr == nil && cerr == nil {
			return acks + 1, ambiguous, nil
		}
		if os.Getenv("CLUSTER_DEBUG") != "" {
			fmt.Printf("     %s redeem: %v / %v\n", time.Now().Format("15:04:05.000"), verr, cerr)
		}
		if verr != nil && strings.Contains(verr.Error(), "invite_redeem: key already used") {
			return acks, ambiguous, fmt.Errorf("key already used before it was acknowledged")
		}
		if cerr != nil { // did the COMMIT land?
			ambiguous++
			for time.Now().Before(deadline) {
				var st string
				e := db.QueryRow("SELECT invite_peek(?) ->> '$.state'", key).Scan(&st)
				if os.Getenv("CLUSTER_DEBUG") != "" {
					fmt.Printf("     %s peek: %q %v\n", time.Now().Format("15:04:05.000"), st, e)
				}
				if e == nil {
					if st == "accepted" {
						return acks, ambiguous, nil // committed; the answer was lost
					}
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return acks, ambiguous, fmt.Errorf("not redeemed within 60 s")
}

func failover(db *sql.DB) {
	var times []time.Duration
	totalLost, totalDoubled, totalAmb := 0, 0, 0
	for r := 0; r < *flagRounds; r++ {
		tag := fmt.Sprintf("fo%d", r)
		keys := createKeys(db, tag, 150)
		var kill time.Time
		var mu sync.Mutex
		var firstAck time.Time
		acked := 0
		killAt := make(chan struct{})
		done := make(chan struct{})
		acks := make([]int, len(keys))
		var errs []string
		go func() {
			defer close(done)
			for i, k := range keys {
				a, amb, err := redeem(db, k)
				mu.Lock()
				acks[i] = a
				totalAmb += amb
				if err != nil {
					errs = append(errs, fmt.Sprintf("key %d: %v", i, err))
				}
				if a > 0 || amb > 0 {
					acked++
					if !kill.IsZero() && firstAck.IsZero() && a > 0 {
						firstAck = time.Now()
					}
				}
				if acked == 15 {
					close(killAt)
				}
				mu.Unlock()
			}
		}()
		<-killAt
		lid := leaderID()
		var victim *Node
		for _, n := range nodes {
			if n.ID == lid {
				victim = n
			}
		}
		if victim == nil {
			fatal("round %d: no leader found", r)
		}
		mu.Lock()
		kill = time.Now()
		victim.cmd.Process.Signal(syscall.SIGKILL)
		if os.Getenv("CLUSTER_DEBUG") != "" {
			fmt.Printf("     %s SIGKILL node %d (acked %d)\n", kill.Format("15:04:05.000"), victim.ID, acked)
		}
		mu.Unlock()
		<-victim.done
		<-done
		check(len(errs) == 0, fmt.Sprintf("failover %d: every redemption settled", r+1), "%v", errs)
		// every key redeemed once, none lost, none twice
		var redeemed int64
		lost, doubled := 0, 0
		for i, k := range keys {
			var st string
			db.QueryRow("SELECT invite_peek(?) ->> '$.state'", k).Scan(&st)
			if st == "accepted" {
				redeemed++
			} else {
				lost++
			}
			if acks[i] > 1 {
				doubled++
			}
		}
		doubled += int(scalar(db, "SELECT count(*) FROM (SELECT u.id FROM users u JOIN members m ON m.user_id = u.id WHERE u.email LIKE ? GROUP BY u.id HAVING count(*) > 1)", tag+"-%"))
		members := scalar(db, "SELECT count(*) FROM users u JOIN members m ON m.user_id = u.id WHERE u.email LIKE ?", tag+"-%")
		totalLost += lost
		totalDoubled += doubled
		check(lost == 0 && doubled == 0 && members == int64(len(keys)),
			fmt.Sprintf("failover %d (leader %d killed): %d keys, 0 lost, 0 doubled", r+1, lid, len(keys)),
			"lost %d doubled %d members %d", lost, doubled, members)
		if !firstAck.IsZero() {
			times = append(times, firstAck.Sub(kill))
			fmt.Printf("     (failover %d: first acknowledged write on the new leader %d ms after the SIGKILL)\n",
				r+1, firstAck.Sub(kill).Milliseconds())
		}
		victim.start() // a known member: restarts without joining again
		check(victim.alive(), fmt.Sprintf("failover %d: node %d restarted", r+1, victim.ID), "")
		// The next kill waits until the restarted node has caught up: while
		// it is still catching up, a second failure leaves the other node
		// without a quorum that can elect quickly (seconds, measured).
		sameDumps(fmt.Sprintf("failover %d: node %d caught up (identical .dump on every node)", r+1, victim.ID))
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	if check(len(times) == *flagRounds, "failover times measured", "%d of %d", len(times), *flagRounds) {
		var ms []string
		for _, t := range times {
			ms = append(ms, fmt.Sprint(t.Milliseconds()))
		}
		fmt.Printf("FIGURE failover (latency %d ms), first acknowledged write after the SIGKILL: %s ms (median %d ms) over %d leader kills; lost %d, doubled %d, ambiguous commits settled by invite_peek %d\n",
			*flagLatency, strings.Join(ms, ", "), times[len(times)/2].Milliseconds(), len(times), totalLost, totalDoubled, totalAmb)
	}
}

func throughput(db *sql.DB) {
	keys := createKeys(db, "tp", 200)
	t0 := time.Now()
	for _, k := range keys {
		if _, _, err := redeem(db, k); err != nil {
			check(false, "throughput run", "%v", err)
			return
		}
	}
	el := time.Since(t0)
	fmt.Printf("FIGURE one client: %d redemptions in %.2f s: %.0f redemptions/s (BEGIN IMMEDIATE, SELECT invite_redeem, COMMIT)\n",
		len(keys), el.Seconds(), float64(len(keys))/el.Seconds())
	nPass++
	fmt.Println("ok   throughput measured")
}

func concurrent() {
	db0 := openDB()
	defer db0.Close()
	keys := createKeys(db0, "cc", 100)
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := make(map[string]int)
	rates := make([]float64, 2)
	var failures []string
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			db := openDB()
			defer db.Close()
			order := rand.New(rand.NewSource(int64(w + 1))).Perm(len(keys))
			t0 := time.Now()
			n := 0
			for _, i := range order {
				k := keys[i]
				deadline := time.Now().Add(30 * time.Second)
				for {
					verr, cerr := inTx(db, func(c *sql.Conn) error {
						_, e := queryText(c, "SELECT invite_redeem(?)", k)
						if e != nil {
							return fmt.Errorf("%s", verbErr(c, e))
						}
						return nil
					})
					if verr == nil && cerr == nil {
						mu.Lock()
						wins[k]++
						mu.Unlock()
						n++
						break
					}
					if verr != nil && strings.Contains(verr.Error(), "key already used") {
						break // the other client had it
					}
					if time.Now().After(deadline) { // busy for 30 s: something is stuck
						mu.Lock()
						failures = append(failures, fmt.Sprintf("client %d: %v %v", w, verr, cerr))
						mu.Unlock()
						break
					}
					time.Sleep(time.Duration(1+rand.Intn(5)) * time.Millisecond) // busy: retry
				}
			}
			rates[w] = float64(n) / time.Since(t0).Seconds()
		}(w)
	}
	wg.Wait()
	once := 0
	for _, k := range keys {
		if wins[k] == 1 {
			once++
		}
	}
	check(once == len(keys) && len(failures) == 0, "two concurrent clients: every key redeemed exactly once",
		"%d of %d once; %v", once, len(keys), failures)
	fmt.Printf("FIGURE two concurrent clients on the same keys: %.0f and %.0f redemptions/s\n", rates[0], rates[1])
}

func catchUp(db *sql.DB) {
	lid := leaderID()
	var follower *Node
	for _, n := range nodes {
		if n.ID != lid {
			follower = n
		}
	}
	follower.stop(syscall.SIGTERM)
	check(!follower.alive() && follower.exit == nil, fmt.Sprintf("node %d stopped by SIGTERM, exit status 0", follower.ID), "%v", follower.exit)
	keys := createKeys(db, "cu", 20)
	for _, k := range keys[:10] {
		redeem(db, k)
	}
	follower.start()
	sameDumps(fmt.Sprintf("node %d restarted and caught up: identical .dump on every node", follower.ID))
}

func runExample() {
	if *flagExample == "" {
		return
	}
	out, err := exec.Command(*flagExample, "-cluster", strings.Join(addresses(), ",")).CombinedOutput()
	text := string(out)
	check(err == nil && strings.Contains(text, "redeemed invite"), "examples/go runs against the cluster", "%v: %s", err, text)
	fmt.Print(indent(text))
}

func indent(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("     | " + l + "\n")
	}
	return b.String()
}

func main() {
	flag.Parse()
	if *flagWork == "" {
		fmt.Fprintln(os.Stderr, "driver: -work DIR needed")
		os.Exit(2)
	}
	base := 20000 + os.Getpid()%10000*3 // runs side by side do not collide
	for i := 1; i <= 3; i++ {
		nodes = append(nodes, &Node{ID: uint64(i), Addr: fmt.Sprintf("127.0.0.1:%d", base+i-1),
			Dir: filepath.Join(*flagWork, fmt.Sprintf("node%d", i))})
	}
	for _, n := range nodes {
		n.start()
	}
	check(true, "3 nodes ready (node 1 bootstrapped, 2 and 3 joined by invite-node)", "")
	db := openDB()
	setup(db)
	requestPaths(db)
	verbGroups(db)
	runExample()
	sameDumps("identical .dump on every node after the verb groups")
	throughput(db)
	concurrent()
	failover(db)
	sameDumps("identical .dump on every node after the failovers")
	catchUp(db)
	v, err := tx1(db, "SELECT coalesce(invite_audit_verify(), 'intact')")
	check(err == nil && v == "intact", "the audit chain verifies at the end", "%v %q", err, v)
	db.Close()
	shutdownAll()
	for _, n := range nodes {
		check(n.exit == nil, fmt.Sprintf("node %d: clean stop on SIGTERM (exit status 0)", n.ID), "%v", n.exit)
	}
	fmt.Printf("%d passed, %d failed\n", nPass, nFail)
	if nFail > 0 {
		os.Exit(1)
	}
}
