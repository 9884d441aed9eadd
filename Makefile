# sqlite-invite — make help lists the targets.
PKG_CONFIG ?= pkg-config
CC         ?= cc
CFLAGS     ?= -O2 -g
# CI sets WERROR=-Werror: a warning fails the build there.
WERROR     ?=
WARN        = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wwrite-strings $(WERROR)
BUILD      ?= build/release
PREFIX     ?= /usr/local
SQLITE3    ?= sqlite3

SODIUM_CFLAGS := $(shell $(PKG_CONFIG) --cflags libsodium 2>/dev/null)
SODIUM_LIBS   := $(or $(shell $(PKG_CONFIG) --libs libsodium 2>/dev/null),-lsodium)
SQLITE_CFLAGS := $(shell $(PKG_CONFIG) --cflags sqlite3 2>/dev/null)
SQLITE_LIBS   := $(or $(shell $(PKG_CONFIG) --libs sqlite3 2>/dev/null),-lsqlite3)
CURL_CFLAGS   := $(shell $(PKG_CONFIG) --cflags libcurl 2>/dev/null)
CURL_LIBS     := $(or $(shell $(PKG_CONFIG) --libs libcurl 2>/dev/null),-lcurl)

# Order matters: invite_init() runs them in this order.
SQL_FILES = sql/core.sql sql/invites.sql sql/members.sql sql/guests.sql \
            sql/sessions.sql sql/email.sql sql/audit.sql sql/security.sql \
            sql/events.sql sql/retention.sql sql/guest_sources.sql sql/decline.sql
# Then the checks of the "-- text:" lines of them all (tools/expand-text.awk).

EXT_SRC = ext/entry.c ext/errors.c ext/arguments.c ext/statements.c ext/transactions.c \
          ext/json.c ext/keys.c ext/emails.c ext/emails_sql.c \
          ext/clock.c ext/sql_text.c ext/schema.c ext/kinds.c ext/key_issue.c \
          ext/verbs_invite.c ext/verbs_member.c ext/seats.c \
          ext/verbs_guest.c ext/verbs_session.c \
          ext/macro.c ext/macro_sql.c ext/outbox.c ext/outbox_law.c ext/audit.c ext/security.c \
          ext/law.c ext/rules.c ext/key_options.c ext/events.c ext/notify.c ext/retention.c
# The dqlite-node rules (ext/dqlite.c); built everywhere, active on dqlite only.
EXT_SRC += ext/dqlite.c
# Valid UTF-8 without NUL; invite_text_problem(), for the "-- text:" triggers of sql/.
EXT_SRC += ext/text.c
EXT_OBJ = $(EXT_SRC:ext/%.c=$(BUILD)/%.o)

ALL_CFLAGS = $(CFLAGS) $(WARN) -fPIC -I$(BUILD) -Iext $(SQLITE_CFLAGS) $(SODIUM_CFLAGS)

# ---- the client suite: tests/clients/ (README.md there) ----
.PHONY: test-clients clients-deps
.PHONY: lint all deps test fresh-machine demo asan valgrind fuzz bench bench-peers profile clean install uninstall help

all: deps $(BUILD)/invite.so build/invite.so $(BUILD)/invite-mail

# Checks the build dependencies and says how to get what is missing
# (tools/setup.sh installs them; make never does).
deps:
	@CC="$(CC)" sh tools/deps.sh

# Upgrade steps of older databases, in order (ext/schema.c runs them).
SQL_MIGRATIONS = $(sort $(wildcard sql/migrations/*.sql))

# Also writes $(BUILD)/sql_kinds.h, the "-- kinds:" lists as C macros.
$(BUILD)/sql_embed.h: $(SQL_FILES) $(SQL_MIGRATIONS) tools/embed-sql.sh tools/expand-guards.awk \
                      tools/expand-kinds.awk tools/expand-twins.awk tools/expand-text.awk
	@mkdir -p $(BUILD)
	sh tools/embed-sql.sh $@ $(SQL_FILES) --migrations $(SQL_MIGRATIONS)

$(BUILD)/%.o: ext/%.c ext/invite.h ext/kinds.h ext/verbs.h ext/macro.h $(BUILD)/sql_embed.h
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# The extension links libsodium, not libsqlite3: SQLite calls go through the
# API table of the process that loads it.
$(BUILD)/invite.so: $(EXT_OBJ)
	$(CC) $(CFLAGS) -shared -o $@ $(EXT_OBJ) $(SODIUM_LIBS) $(LDFLAGS)

# The outbox delivery tool: plain SQL on the database, libcurl for SMTP; it
# never loads the extension.
$(BUILD)/invite-mail: tools/invite-mail.c
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) $(WARN) $(SQLITE_CFLAGS) $(CURL_CFLAGS) -o $@ $< \
	  $(SQLITE_LIBS) $(CURL_LIBS) $(LDFLAGS)

build/invite.so: $(BUILD)/invite.so
	@if [ "$(BUILD)" = build/release ]; then ln -sf release/invite.so build/invite.so; fi

test: all
	@sh tools/deps.sh test
	INVITE_SO=$(CURDIR)/$(BUILD)/invite.so BUILD=$(BUILD) CC="$(CC)" CFLAGS="$(CFLAGS)" \
	  sh tests/run.sh

# The story of demo/README.md: four chapters in the sqlite3 shell on one
# scratch database, then one email delivered to a local SMTP server.
demo: all
	@sh tools/deps.sh demo || true
	@sh demo/demo.sh $(BUILD)

# The scenario in Python, Tcl, Perl, Node, Go and Rust (tests/clients/);
# ends with "N passed, N failed, N skipped". CLIENTS=python,go picks some.
CLIENTS ?=
test-clients: all
	INVITE_SO=$(CURDIR)/$(BUILD)/invite.so sh tests/clients/run.sh $(subst $(comma), ,$(CLIENTS))

# Node's better-sqlite3 12 (not 13) into build/clients/node_modules; its
# install script fetches or builds the native module (allowScripts in
# tests/clients/node/package.json lets npm >= 11.16 run it).
comma := ,
clients-deps:
	mkdir -p build/clients
	cp tests/clients/node/package.json build/clients/package.json
	cd build/clients && npm install --no-package-lock --no-audit --no-fund

ASAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
asan:
	$(MAKE) BUILD=build/asan CFLAGS="$(ASAN_FLAGS)" all
	INVITE_SO=$(CURDIR)/build/asan/invite.so BUILD=build/asan CC="$(CC)" CFLAGS="$(ASAN_FLAGS)" \
	  ASAN_PRELOAD="$$($(CC) -print-file-name=libasan.so)" ASAN_OPTIONS=detect_leaks=1 \
	  sh tests/run.sh

valgrind: all
	INVITE_SO=$(CURDIR)/$(BUILD)/invite.so BUILD=$(BUILD) VALGRIND=1 sh tests/run.sh

# ---- tools/invite-node: a dqlite node with the extension (tools/README.md) ----
# Built by `make` only where libdqlite-dev is installed; make cluster-test
# installs it (root) and runs 3 nodes on 127.0.0.1 (tests/cluster/).
DQLITE_LIBS := $(shell $(PKG_CONFIG) --libs dqlite 2>/dev/null)
ifneq ($(DQLITE_LIBS),)
all: $(BUILD)/invite-node
endif
$(BUILD)/invite-node: tools/invite-node.c
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) $(WARN) $(SQLITE_CFLAGS) -o $@ $< \
	  $(or $(DQLITE_LIBS),-ldqlite) $(SQLITE_LIBS) -ldl -lpthread $(LDFLAGS)

cluster-test:
	sh tests/cluster/run.sh $(BUILD)
.PHONY: cluster-test

# ---- benchmark: verbs against SQLite without the law (tools/bench.c, tools/README.md) ----
BENCH_ARGS ?=
# The honest floor renders with the extension's macro core and hashes with
# libsodium, as the verbs do.
BENCH_CALLGRIND := $(shell echo '\#include <valgrind/callgrind.h>' | $(CC) -E - >/dev/null 2>&1 && echo -DHAVE_CALLGRIND=1)
$(BUILD)/bench: tools/bench.c ext/macro.c ext/macro.h
	$(CC) $(CFLAGS) $(WARN) $(BENCH_CALLGRIND) $(SQLITE_CFLAGS) $(SODIUM_CFLAGS) -o $@ tools/bench.c ext/macro.c \
	  $(SQLITE_LIBS) $(SODIUM_LIBS) -lpthread

bench: all $(BUILD)/bench
	$(BUILD)/bench --so $(CURDIR)/$(BUILD)/invite.so --dir build/bench $(BENCH_ARGS)

# sqlite-invite beside django-invitations, from Python (tools/bench-peers/,
# tools/README.md). Debian's python3: its sqlite3 can load extensions.
PEERS_PYTHON     ?= /usr/bin/python3
BENCH_PEERS_ARGS ?=
bench-peers: all
	@dpkg -s python3-django-invitations >/dev/null 2>&1 || \
	  apt-get install -y --no-install-recommends python3-django-invitations
	$(PEERS_PYTHON) tools/bench-peers/bench_peers.py --so $(CURDIR)/$(BUILD)/invite.so \
	  --dir build/bench-peers $(BENCH_PEERS_ARGS)

# Instructions per call, the three sides (verb, honest, bare) (valgrind's callgrind;
# each (side, operation) is a dump: build/profile/callgrind.out.N).
PROFILE_CALLS ?= 1000
profile: all $(BUILD)/bench
	rm -rf build/profile && mkdir -p build/profile
	valgrind --tool=callgrind --collect-atstart=no \
	  --callgrind-out-file=build/profile/callgrind.out \
	  $(BUILD)/bench --so $(CURDIR)/$(BUILD)/invite.so --dir build/profile \
	  --instructions --calls $(PROFILE_CALLS) 2> build/profile/valgrind.log
	@for f in build/profile/callgrind.out.*; do \
	  awk '/^desc: Trigger: Client Request: / { sub(/.*Request: /, ""); name = $$0 } \
	       /^totals: / { print name, $$2 }' "$$f"; \
	done | awk '{ v[$$1, $$2] = $$4 / $$3 } \
	  END { split("create redeem", ops, " "); \
	        for (o = 1; o <= 2; o++) { op = ops[o]; \
	          printf "invite_%s: bare %.1fk, honest %.1fk, verb %.1fk instructions per call (verb/honest %.2fx, verb/bare %.2fx)\n", \
	            op, v["bare", op] / 1000, v["honest", op] / 1000, v["verb", op] / 1000, \
	            v["verb", op] / v["honest", op], v["verb", op] / v["bare", op] } }'

# ---- fuzzing: libFuzzer targets tests/fuzz/fuzz_*.c, FUZZ_SECONDS each ----
# Each target links its own file plus the pure core it drives, listed in
# FUZZ_LINK_<target> (a target without a list links nothing else). New
# inputs go to build/fuzz/corpus/<target>; the committed seeds under
# tests/fuzz/corpus/<target> are only read.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 30
FUZZ_FLAGS    = -g -O1 -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SRC      = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN      = $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_LINK_fuzz_emails = ext/emails.c
FUZZ_LINK_fuzz_keys   = ext/keys.c $(SODIUM_LIBS)
FUZZ_LINK_fuzz_macro  = ext/macro.c
# fuzz_sql links the whole extension and SQLite (sqlite3_auto_extension).
FUZZ_LINK_fuzz_sql    = $(EXT_SRC) $(SQLITE_LIBS) $(SODIUM_LIBS)
build/fuzz/fuzz_sql: $(BUILD)/sql_embed.h ext/verbs.h ext/macro.h

.SECONDEXPANSION:
build/fuzz/%: tests/fuzz/%.c ext/invite.h $$(filter %.c,$$(FUZZ_LINK_$$*))
	@mkdir -p build/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -Iext -I$(BUILD) $(SQLITE_CFLAGS) $(SODIUM_CFLAGS) \
	  -o $@ $< $(FUZZ_LINK_$*)

fuzz: $(FUZZ_BIN)
	@set -e; for bin in $(FUZZ_BIN); do \
	  t=$${bin##*/}; mkdir -p build/fuzz/corpus/$$t build/fuzz/crash-$$t; \
	  seeds=; [ -d tests/fuzz/corpus/$$t ] && seeds=tests/fuzz/corpus/$$t; \
	  dict=; [ -f tests/fuzz/$$t.dict ] && dict=-dict=tests/fuzz/$$t.dict; \
	  echo "fuzz $$t for $(FUZZ_SECONDS) s (log: build/fuzz/$$t.log)"; \
	  if ! $$bin -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	       -artifact_prefix=build/fuzz/crash-$$t/ $$dict \
	       build/fuzz/corpus/$$t $$seeds > build/fuzz/$$t.log 2>&1; then \
	    tail -40 build/fuzz/$$t.log; echo "fuzz $$t: FAILED"; exit 1; fi; \
	  grep -E '^stat::number_of_executed_units' build/fuzz/$$t.log | \
	    sed "s/^stat::number_of_executed_units: */  executions: /"; \
	done

# The README's two commands on a fresh Debian 12 minbase root (debootstrap,
# as root; a few minutes). FRESH_SETUP_LEAVE_OUT=gcc shows it failing.
fresh-machine:
	sh .ci/fresh-machine.sh

# Static checks: cppcheck over the C, and the format of every C file
# against .clang-format (clang-format --dry-run). The tree is formatted by
# clang-format 14 (Debian 12's); other versions lay out a few lines
# differently, so the check prefers clang-format-14 when it is installed.
LINT_C = ext/*.c ext/*.h tools/*.c tests/c/*.c tests/c/*.h tests/fuzz/*.c
CLANG_FORMAT ?= $(shell command -v clang-format-14 || echo clang-format)
lint: $(BUILD)/sql_embed.h
	cppcheck --quiet --enable=warning,portability,performance --error-exitcode=1 \
	  --inline-suppr --std=c11 -Iext -I$(BUILD) --suppress=missingIncludeSystem \
	  ext/*.c tools/*.c tests/c/*.c tests/fuzz/*.c
	$(CLANG_FORMAT) --dry-run --Werror $(wildcard $(LINT_C))

install: all
	install -d $(DESTDIR)$(PREFIX)/lib
	install -m 755 $(BUILD)/invite.so $(DESTDIR)$(PREFIX)/lib/invite.so

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/lib/invite.so

clean:
	rm -rf build

help:
	@echo "make          build $(BUILD)/invite.so (and build/invite.so)"
	@echo "make          also builds $(BUILD)/invite-mail (outbox -> SMTP)"
	@echo "make demo     build and tell the story: invites, guests, a support session, an email delivered"
	@echo "make test     build and run every test; ends with 'N passed, N failed'"
	@echo "make test-clients  the scenario from Python, Tcl, Perl, Node, Go, Rust (tests/clients/)"
	@echo "make clients-deps  npm install better-sqlite3@12 into build/clients (for test-clients)"
	@echo "make asan     the tests with ASan+UBSan"
	@echo "make valgrind the SQL tests under valgrind"
	@echo "make lint     cppcheck, and the format of every C file against .clang-format (clang-format 14)"
	@echo "make fuzz     each libFuzzer target for FUZZ_SECONDS (30) s (clang)"
	@echo "make bench    verbs against the honest and bare floors, latency (BENCH_ARGS=--million, --big: 1M, 10M)"
	@echo "make bench-peers  verbs from Python beside django-invitations (BENCH_PEERS_ARGS=--n 1000)"
	@echo "make profile  instructions per call, verbs against bare SQLite (valgrind)"
	@echo "make fresh-machine  the README's two commands on a fresh Debian root (CI)"
	@echo "make cluster-test  3 dqlite nodes on 127.0.0.1: verbs, failover, catch-up (tests/cluster/)"
	@echo "make install  copy invite.so to $(PREFIX)/lib"
