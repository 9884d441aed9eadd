// The scenario of tests/clients/README.md through database/sql and Debian's
// mattn/go-sqlite3 (built offline from /usr/share/gocode, tag libsqlite3).
//
//	client INVITE_SO CATALOG DB
package main

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	sqlite3 "github.com/mattn/go-sqlite3"
)

var failed = 0

func check(cond bool, what string) {
	if cond {
		fmt.Println("ok " + what)
	} else {
		fmt.Println("FAIL " + what)
		failed++
	}
}

func main() {
	so, catalog, path := os.Args[1], os.Args[2], os.Args[3]
	// load_extension is compiled in (no sqlite_omit_load_extension tag);
	// Extensions loads it on every new connection of the pool.
	sql.Register("sqlite3_invite", &sqlite3.SQLiteDriver{Extensions: []string{so}})
	db, err := sql.Open("sqlite3_invite", path)
	if err != nil {
		fmt.Println("FAIL open:", err)
		os.Exit(1)
	}
	db.SetMaxOpenConns(1)
	var version int64
	err = db.QueryRow("SELECT invite_init()").Scan(&version)
	check(err == nil && version > 0, fmt.Sprintf("invite_init() returns the schema version %d (%v)", version, err))
	text, _ := os.ReadFile(catalog)
	_, err = db.Exec(string(text))
	var n int
	db.QueryRow("SELECT count(*) FROM subscriptions").Scan(&n)
	check(err == nil && n == 3, "catalog by plain SQL")

	// QueryRow, not Exec: Exec would throw the key away
	var raw string
	err = db.QueryRow("SELECT invite_create(?, ?, ?, ?, ?)", "ann@example.com", 2, 4, int64(1),
		`{"first_name":"Ann","last_name":"Lee"}`).Scan(&raw)
	var created struct {
		ID  int64  `json:"id"`
		Key string `json:"key"`
	}
	json.Unmarshal([]byte(raw), &created)
	check(err == nil && len(created.Key) >= 32, fmt.Sprintf("invite_create with Go ints: invite %d, key captured (%v)", created.ID, err))
	var peek struct {
		State      string  `json:"state"`
		CanRedeem  bool    `json:"can_redeem"`
		RedeemedAt *string `json:"redeemed_at"`
	}
	db.QueryRow("SELECT invite_peek(?)", created.Key).Scan(&raw)
	json.Unmarshal([]byte(raw), &peek)
	check(peek.State == "pending" && peek.CanRedeem, "invite_peek: pending, can redeem")
	var redeemed struct {
		InviteID int64  `json:"invite_id"`
		Kind     string `json:"kind"`
	}
	err = db.QueryRow("SELECT invite_redeem(?)", created.Key).Scan(&raw)
	json.Unmarshal([]byte(raw), &redeemed)
	check(err == nil && redeemed.InviteID == created.ID && redeemed.Kind == "member", fmt.Sprintf("invite_redeem: member of invite %d", redeemed.InviteID))
	db.QueryRow("SELECT invite_peek(?)", created.Key).Scan(&raw)
	json.Unmarshal([]byte(raw), &peek)
	at := ""
	if peek.RedeemedAt != nil {
		at = *peek.RedeemedAt
	}
	err = db.QueryRow("SELECT invite_redeem(?)", created.Key).Scan(&raw)
	var se sqlite3.Error
	check(err != nil && err.Error() == "invite_redeem: key already used on "+at+" UTC", fmt.Sprintf("redeem twice: %v", err))
	check(errors.As(err, &se) && se.Code == sqlite3.ErrConstraint, fmt.Sprintf("redeem twice: sqlite3.ErrConstraint (%v)", se.Code))
	// a float64 id
	err = db.QueryRow(`SELECT invite_create('bob@example.com', ?, 4, 1, '{"first_name":"Bob","last_name":"Ng"}')`, 2.0).Scan(&raw)
	check(err == nil, fmt.Sprintf("id 2.0 (float64) accepted as 2 (%v)", err))
	// bad UTF-8: a Go string may hold any bytes, and is bound as TEXT as is
	err = db.QueryRow("SELECT invite_create(?, 2, 4, 1)", "ann\xff@example.com").Scan(&raw)
	check(err != nil && strings.HasPrefix(err.Error(), "invite_create: argument 1 (invitee) is not valid UTF-8"), fmt.Sprintf("bad UTF-8 refused: %v", err))

	plain, _ := sql.Open("sqlite3", path)
	var state string
	plain.QueryRow("SELECT state FROM invite_status WHERE invite_id = ?", created.ID).Scan(&state)
	check(state == "accepted", "view invite_status without the extension")
	var before, after int
	plain.QueryRow("SELECT count(*) FROM invites").Scan(&before)
	_, err = plain.Exec("DELETE FROM invites")
	check(err != nil && strings.HasPrefix(err.Error(), "no such function: invite_"), fmt.Sprintf("a write without the extension fails closed: %v", err))
	plain.QueryRow("SELECT count(*) FROM invites").Scan(&after)
	check(before == after, "nothing written")
	if failed > 0 {
		os.Exit(1)
	}
}
