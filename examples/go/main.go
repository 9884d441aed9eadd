// invite-example — create and redeem an invitation on a dqlite cluster of
// tools/invite-node, with database/sql and Debian's go-dqlite driver.
//
//	invite-example -cluster 127.0.0.1:9001,127.0.0.1:9002,127.0.0.1:9003
//
// Every verb that writes runs as BEGIN IMMEDIATE / SELECT verb(...) / COMMIT
// on one connection (in autocommit the extension refuses on dqlite). A
// BEGIN that meets "database is locked" or a leader change is retried. A
// COMMIT that fails may still have committed (the answer can be lost with
// the leader): the example then asks invite_peek whether the key was used
// before it tries again. dqlite 1.11 loses the text of an error raised on a
// query, so the example reads it back with invite_last_error().
//
// It expects the catalog of the cluster test (tests/cluster/driver.go):
// subscription 2 with role 4, user 1 an account manager.
package main

import (
	"context"
	"database/sql"
	sqldriver "database/sql/driver"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/canonical/go-dqlite/client"
	"github.com/canonical/go-dqlite/driver"
)

// errMaybeCommitted: COMMIT failed, and whether it happened is unknown.
var errMaybeCommitted = errors.New("COMMIT failed: it may have committed")

// inTx runs query as BEGIN IMMEDIATE / query / COMMIT on one connection and
// returns its one text value.
func inTx(db *sql.DB, query string, args ...interface{}) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := db.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		discard(c)
		return "", err // nothing happened: safe to retry
	}
	var out sql.NullString
	if err := c.QueryRowContext(ctx, query, args...).Scan(&out); err != nil {
		var text sql.NullString // the real message of the refusal
		c.QueryRowContext(ctx, "SELECT invite_last_error()").Scan(&text)
		if _, e := c.ExecContext(ctx, "ROLLBACK"); e != nil {
			discard(c)
		}
		if text.Valid {
			return "", fmt.Errorf("refused: %s", text.String)
		}
		return "", err
	}
	if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
		discard(c)
		return out.String, errMaybeCommitted
	}
	return out.String, nil
}

// discard keeps a connection whose transaction state is unknown out of the
// pool; closing it makes the leader roll back what it still holds.
func discard(c *sql.Conn) {
	c.Raw(func(interface{}) error { return sqldriver.ErrBadConn })
}

// retry retries f while the cluster is changing leader or busy.
func retry(f func() (string, error)) (string, error) {
	var err error
	for i := 0; i < 100; i++ {
		var out string
		if out, err = f(); err == nil || errors.Is(err, errMaybeCommitted) ||
			strings.HasPrefix(err.Error(), "refused: ") {
			return out, err
		}
		time.Sleep(50 * time.Millisecond) // "database is locked", leader lost, ...
	}
	return "", err
}

func main() {
	cluster := flag.String("cluster", "127.0.0.1:9001", "comma-separated node addresses")
	flag.Parse()
	store := client.NewInmemNodeStore()
	var infos []client.NodeInfo
	for _, a := range strings.Split(*cluster, ",") {
		infos = append(infos, client.NodeInfo{Address: a})
	}
	store.Set(context.Background(), infos)
	drv, err := driver.New(store, driver.WithLogFunc(func(client.LogLevel, string, ...interface{}) {}))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sql.Register("dqlite", drv)
	db, err := sql.Open("dqlite", "invite.db")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer db.Close()

	email := fmt.Sprintf("example-%d@example.com", time.Now().UnixNano())
	invite, err := retry(func() (string, error) {
		return inTx(db, "SELECT invite_create(?, 2, 4, 1, '{\"first_name\":\"Ex\",\"last_name\":\"Ample\"}')", email)
	})
	if err != nil { // a lost COMMIT here: the key is gone with the answer; resend
		fmt.Fprintln(os.Stderr, "invite_create:", err)
		os.Exit(1)
	}
	var key string
	db.QueryRow("SELECT json_extract(?, '$.key')", invite).Scan(&key)
	fmt.Println("created", invite)

	// invite_peek reads only, so it runs in autocommit.
	var state string
	db.QueryRow("SELECT invite_peek(?) ->> '$.state'", key).Scan(&state)
	fmt.Println("peek: state", state)

	for {
		out, err := retry(func() (string, error) { return inTx(db, "SELECT invite_redeem(?)", key) })
		if errors.Is(err, errMaybeCommitted) {
			db.QueryRow("SELECT invite_peek(?) ->> '$.state'", key).Scan(&state)
			if state == "accepted" {
				fmt.Println("redeemed invite (the COMMIT's answer was lost; invite_peek says accepted)")
				break
			}
			continue // it did not commit: redeem again
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "invite_redeem:", err)
			os.Exit(1)
		}
		fmt.Println("redeemed invite:", out)
		break
	}
	// A refusal, with its real text.
	_, err = retry(func() (string, error) { return inTx(db, "SELECT invite_redeem(?)", key) })
	fmt.Println("again:", err)
}
