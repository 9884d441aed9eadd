/*
** invite-node — a dqlite node whose every connection has the invite
** extension: the same verbs and law on a replicated cluster.
**
**   invite-node --id 1 --address 127.0.0.1:9001 --dir /var/lib/invite/1
**   invite-node --id 2 --address 127.0.0.1:9002 --dir /var/lib/invite/2 \
**               --join 127.0.0.1:9001
**
** Node 1 bootstraps a new cluster (dqlite does that for id 1 only). Any
** other node with --join asks the leader to add it and then to make it a
** voter (dqlite's C API has no join; these are the client protocol's ADD
** and ASSIGN requests, one membership change at a time, so a change in
** progress is retried). A member already in the configuration is not
** joined again, so a restart with the same flags just starts the node.
** It prints one line "ready <id> <address>" when it serves, and stops
** cleanly on SIGTERM or SIGINT.
**
** The extension is loaded with dlopen() and registered with
** sqlite3_auto_extension() before dqlite_node_start(), so every connection
** dqlite opens (one per client connection, on the leader) has the verbs.
** SIGPIPE is ignored: a node writing to a peer that went away must not die.
**
** Trust: the dqlite port is for trusted clients only. dqlite 1.11 has no
** TLS in its C API and no authentication, and a client can crash a node
** with some statements. Bind it to loopback or a private network.
*/
#include <dlfcn.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <dqlite.h>
#include <sqlite3.h>

#define NODE_JOIN_SECONDS 60 /* give up joining after this long */

/* Client protocol (dqlite 1.x, version 1): every message is a header of
** 8 bytes (body size in 8-byte words: uint32 LE; type: uint8; flags, extra)
** and a body of little-endian uint64 words and NUL-terminated strings
** padded to a word boundary. */
#define PROTO_VERSION 1
#define REQ_LEADER 0
#define REQ_ADD 12
#define REQ_ASSIGN 13
#define REQ_CLUSTER 16
#define RES_FAILURE 0
#define RES_NODE 1
#define RES_NODES 3
#define RES_EMPTY 8
#define ROLE_VOTER 0
#define ROLE_SPARE 2

static const char zUsage[] =
    "usage: invite-node --id N --address HOST:PORT --dir DIR [options]\n"
    "\n"
    "  --id N             node id; 1 bootstraps a new cluster, others --join\n"
    "  --address H:P      address to listen on and to be known by\n"
    "  --dir DIR          data directory (created if missing)\n"
    "  --join H:P[,H:P]   members of the cluster to join (any of them)\n"
    "  --latency-ms MS    network latency estimate (dqlite default: 15);\n"
    "                     election timeouts scale with it\n"
    "  --extension PATH   the invite extension (default: invite.so beside\n"
    "                     this program)\n"
    "\n"
    "Prints 'ready <id> <address>' when serving; SIGTERM stops it cleanly.\n"
    "The dqlite port is for trusted clients only: dqlite 1.11 has neither\n"
    "TLS nor authentication, and some statements can crash a node.\n";

static void die(const char *zFormat, ...) {
  va_list ap;
  va_start(ap, zFormat);
  fprintf(stderr, "invite-node: ");
  vfprintf(stderr, zFormat, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  exit(1);
}

static void note(const char *zFormat, ...) {
  va_list ap;
  va_start(ap, zFormat);
  fprintf(stderr, "invite-node: ");
  vfprintf(stderr, zFormat, ap);
  fprintf(stderr, "\n");
  va_end(ap);
}

/* ---- a minimal client of the dqlite protocol: enough to join ---- */

typedef struct Msg {
  unsigned char a[4096];
  size_t n; /* bytes of body used (writing) or read position (reading) */
  size_t nBody;
  int eType;
} Msg;

static void msg_u64(Msg *m, uint64_t v) {
  for (int i = 0; i < 8; i++) m->a[m->n++] = (unsigned char)(v >> (8 * i));
}

static int msg_text(Msg *m, const char *z) {
  size_t n = strlen(z) + 1, nPad = (n + 7) / 8 * 8;
  if (m->n + nPad > sizeof m->a) return -1;
  memset(m->a + m->n, 0, nPad);
  memcpy(m->a + m->n, z, n - 1);
  m->n += nPad;
  return 0;
}

static int get_u64(Msg *m, uint64_t *pv) {
  if (m->n + 8 > m->nBody) return -1;
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | m->a[m->n + (size_t)i];
  m->n += 8;
  *pv = v;
  return 0;
}

/* Points *pz into the body; the string stays valid until the next read. */
static int get_text(Msg *m, const char **pz) {
  const unsigned char *p = memchr(m->a + m->n, 0, m->nBody - m->n);
  if (p == 0) return -1;
  *pz = (const char *)(m->a + m->n);
  m->n += ((size_t)(p - (m->a + m->n)) + 1 + 7) / 8 * 8;
  return 0;
}

static int io_all(int fd, void *p, size_t n, int bWrite) {
  unsigned char *b = p;
  while (n > 0) {
    ssize_t k = bWrite ? send(fd, b, n, MSG_NOSIGNAL) : recv(fd, b, n, 0);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    b += k, n -= (size_t)k;
  }
  return 0;
}

static int proto_connect(const char *zAddress) {
  char zHost[256];
  const char *zColon = strrchr(zAddress, ':');
  if (zColon == 0 || (size_t)(zColon - zAddress) >= sizeof zHost) return -1;
  memcpy(zHost, zAddress, (size_t)(zColon - zAddress));
  zHost[zColon - zAddress] = 0;
  struct addrinfo hints = {0}, *pRes = 0;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(zHost, zColon + 1, &hints, &pRes) != 0) return -1;
  int fd = socket(pRes->ai_family, SOCK_STREAM, 0);
  if (fd >= 0 && connect(fd, pRes->ai_addr, pRes->ai_addrlen) != 0) {
    close(fd);
    fd = -1;
  }
  freeaddrinfo(pRes);
  if (fd < 0) return -1;
  struct timeval tv = {5, 0}; /* a silent peer must not hang the join */
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  Msg m = {0};
  msg_u64(&m, PROTO_VERSION);
  if (io_all(fd, m.a, 8, 1) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* Sends request m (type eType) and reads the response into m. */
static int proto_call(int fd, Msg *m, int eType) {
  unsigned char h[8] = {0};
  uint32_t nWords = (uint32_t)(m->n / 8);
  for (int i = 0; i < 4; i++) h[i] = (unsigned char)(nWords >> (8 * i));
  h[4] = (unsigned char)eType;
  if (io_all(fd, h, 8, 1) != 0 || io_all(fd, m->a, m->n, 1) != 0) return -1;
  if (io_all(fd, h, 8, 0) != 0) return -1;
  nWords = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 24;
  if ((size_t)nWords * 8 > sizeof m->a) return -1;
  m->nBody = (size_t)nWords * 8;
  m->n = 0;
  m->eType = h[4];
  return io_all(fd, m->a, m->nBody, 0);
}

/* A FAILURE response's message into zErr. */
static void proto_failure(Msg *m, char *zErr, size_t nErr) {
  uint64_t code = 0;
  const char *z = "?";
  if (m->eType != RES_FAILURE || get_u64(m, &code) || get_text(m, &z)) {
    snprintf(zErr, nErr, "unexpected response type %d", m->eType);
  } else {
    snprintf(zErr, nErr, "%s (code %llu)", z, (unsigned long long)code);
  }
}

/* The leader's address as seen by the member at zAddress; "" if none. */
static int ask_leader(const char *zAddress, char *zLeader, size_t nLeader) {
  int fd = proto_connect(zAddress);
  if (fd < 0) return -1;
  Msg m = {0};
  msg_u64(&m, 0);
  int rc = proto_call(fd, &m, REQ_LEADER);
  close(fd);
  uint64_t id;
  const char *z;
  if (rc || m.eType != RES_NODE || get_u64(&m, &id) || get_text(&m, &z)) {
    return -1;
  }
  snprintf(zLeader, nLeader, "%s", z);
  return 0;
}

/* One attempt at joining through the leader at fd: *pDone is set when this
** node is a voter. zErr says why not, for the log. */
static int join_step(int fd, uint64_t iId, const char *zAddress, int *pDone, char *zErr,
                     size_t nErr) {
  Msg m = {0};
  msg_u64(&m, 1); /* format 1: with roles */
  if (proto_call(fd, &m, REQ_CLUSTER)) return -1;
  if (m.eType != RES_NODES) {
    proto_failure(&m, zErr, nErr);
    return -1;
  }
  uint64_t n, iRole = UINT64_MAX;
  if (get_u64(&m, &n)) return -1;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t id, role;
    const char *z;
    if (get_u64(&m, &id) || get_text(&m, &z) || get_u64(&m, &role)) return -1;
    if (id == iId) iRole = role;
  }
  if (iRole == ROLE_VOTER) {
    *pDone = 1;
    return 0;
  }
  memset(&m, 0, sizeof m);
  msg_u64(&m, iId);
  int eType;
  if (iRole == UINT64_MAX) { /* not a member yet: ADD (as a spare) */
    if (msg_text(&m, zAddress)) return -1;
    eType = REQ_ADD;
  } else { /* a spare or stand-by: ASSIGN voter */
    msg_u64(&m, ROLE_VOTER);
    eType = REQ_ASSIGN;
  }
  if (proto_call(fd, &m, eType)) return -1;
  if (m.eType != RES_EMPTY) {
    proto_failure(&m, zErr, nErr);
    return -1;
  }
  return 0; /* the next step checks again, and assigns after an add */
}

/* Joins through any of the comma-separated members in zJoin, retrying
** (another membership change in progress, no leader during an election)
** until NODE_JOIN_SECONDS have passed. */
static int join_cluster(uint64_t iId, const char *zAddress, const char *zJoin) {
  time_t tEnd = time(0) + NODE_JOIN_SECONDS;
  char zErr[512] = "no member answered";
  while (time(0) < tEnd) {
    char *zList = strdup(zJoin), *zSave = 0;
    if (zList == 0) die("out of memory");
    for (char *z = strtok_r(zList, ",", &zSave); z; z = strtok_r(0, ",", &zSave)) {
      char zLeader[256];
      if (ask_leader(z, zLeader, sizeof zLeader) || zLeader[0] == 0) continue;
      int fd = proto_connect(zLeader);
      if (fd < 0) continue;
      int bDone = 0;
      for (int i = 0; i < 4 && !bDone; i++) {
        if (join_step(fd, iId, zAddress, &bDone, zErr, sizeof zErr)) break;
      }
      close(fd);
      if (bDone) {
        free(zList);
        return 0;
      }
    }
    free(zList);
    struct timespec ts = {0, 200 * 1000 * 1000};
    nanosleep(&ts, 0);
  }
  note("could not join through %s: %s", zJoin, zErr);
  return -1;
}

/* ---- the node ---- */

static void *load_extension(const char *zPath) {
  void *h = dlopen(zPath, RTLD_NOW | RTLD_LOCAL);
  if (h == 0) die("cannot load the extension: %s", dlerror());
  void *pInit = dlsym(h, "sqlite3_invite_init");
  if (pInit == 0) die("%s has no sqlite3_invite_init", zPath);
  return pInit;
}

/* invite.so beside this program, when --extension is not given. */
static const char *default_extension(void) {
  static char zPath[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", zPath, sizeof zPath - 16);
  if (n <= 0) return "./invite.so";
  zPath[n] = 0;
  char *zSlash = strrchr(zPath, '/');
  strcpy(zSlash ? zSlash + 1 : zPath, "invite.so");
  return zPath;
}

int main(int argc, char **argv) {
  static const struct option aOpt[] = {{"id", required_argument, 0, 'i'},
                                       {"address", required_argument, 0, 'a'},
                                       {"dir", required_argument, 0, 'd'},
                                       {"join", required_argument, 0, 'j'},
                                       {"latency-ms", required_argument, 0, 'l'},
                                       {"extension", required_argument, 0, 'e'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  uint64_t iId = 0;
  const char *zAddress = 0, *zDir = 0, *zJoin = 0, *zExt = 0;
  long nLatency = -1;
  int c;
  while ((c = getopt_long(argc, argv, "", aOpt, 0)) != -1) {
    char *zEnd = 0;
    switch (c) {
    case 'i':
      errno = 0;
      iId = strtoull(optarg, &zEnd, 10);
      if (errno || *zEnd || iId == 0) die("--id must be a positive integer, got '%s'", optarg);
      break;
    case 'a': zAddress = optarg; break;
    case 'd': zDir = optarg; break;
    case 'j': zJoin = optarg; break;
    case 'l':
      nLatency = strtol(optarg, &zEnd, 10);
      if (*zEnd || nLatency <= 0 || nLatency > 60000) {
        die("--latency-ms must be from 1 to 60000, got '%s'", optarg);
      }
      break;
    case 'e': zExt = optarg; break;
    case 'h': fputs(zUsage, stdout); return 0;
    default: fputs(zUsage, stderr); return 2;
    }
  }
  if (optind < argc || iId == 0 || zAddress == 0 || zDir == 0) {
    fputs(zUsage, stderr);
    return 2;
  }
  if (iId != 1 && zJoin == 0) {
    die("node %llu needs --join (only node 1 bootstraps a cluster)", (unsigned long long)iId);
  }

  signal(SIGPIPE, SIG_IGN);
  /* Blocked before dqlite starts its threads, which inherit the mask, so
  ** sigwait() below is the only taker. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, 0);

  void (*xInit)(void) = (void (*)(void))load_extension(zExt ? zExt : default_extension());
  if (sqlite3_auto_extension(xInit) != SQLITE_OK) die("sqlite3_auto_extension failed");

  if (mkdir(zDir, 0700) != 0 && errno != EEXIST) die("cannot create %s: %s", zDir, strerror(errno));

  dqlite_node *pNode = 0;
  if (dqlite_node_create(iId, zAddress, zDir, &pNode) != 0) {
    die("dqlite_node_create: %s", pNode ? dqlite_node_errmsg(pNode) : "out of memory");
  }
  if (dqlite_node_set_bind_address(pNode, zAddress) != 0) {
    die("cannot listen on %s: %s", zAddress, dqlite_node_errmsg(pNode));
  }
  if (nLatency > 0 && dqlite_node_set_network_latency_ms(pNode, (unsigned)nLatency) != 0) {
    die("dqlite_node_set_network_latency_ms: %s", dqlite_node_errmsg(pNode));
  }
  if (dqlite_node_start(pNode) != 0) die("dqlite_node_start: %s", dqlite_node_errmsg(pNode));

  if (zJoin && join_cluster(iId, zAddress, zJoin) != 0) {
    dqlite_node_stop(pNode);
    dqlite_node_destroy(pNode);
    return 1;
  }
  printf("ready %llu %s\n", (unsigned long long)iId, zAddress);
  fflush(stdout);

  int sig = 0;
  while (sigwait(&stop, &sig) != 0) {}
  note("signal %d: stopping node %llu", sig, (unsigned long long)iId);
  int rc = dqlite_node_stop(pNode);
  if (rc != 0) note("dqlite_node_stop: %s", dqlite_node_errmsg(pNode));
  dqlite_node_destroy(pNode);
  return rc != 0;
}
