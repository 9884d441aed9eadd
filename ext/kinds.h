/*
** kinds.h — what differs between the kinds of invite (member, guest,
** session), declared once per kind: each kind's verbs file defines its
** InviteKind invite_kind_<name>, and the verbs every kind shares
** (invite_redeem, invite_resend, the invitation email) ask the kind instead
** of comparing its name. The list of kinds is the "-- kinds: invite" line
** of sql/invites.sql (INVITE_KINDS, sql_kinds.h); a listed kind without its
** InviteKind does not load (undefined symbol). ext/README.md says how to
** add a kind.
*/
#ifndef INVITE_KINDS_H
#define INVITE_KINDS_H

#include "invite.h"
#include "sql_kinds.h"

/* What a verb knows when a trigger refused its write; a kind's explainer
** reads the fields its rules need (0 or NULL: not known). */
typedef struct InviteAsk {
  sqlite3_int64 iSub, iRole, iInviter, iBusiness, iSession, iProfile, iUser;
  const char *zEmail;    /* the invitee's address */
  const char *zUserRole; /* what iUser is, in a message: "inviter", "user" */
} InviteAsk;

/* The macros of an invitation email that differ by kind, from the invite
** as outbox_enqueue_invite() read it. */
typedef struct InviteMailRow {
  sqlite3_int64 iInvite, iProfile, iSession;
  const char *zFirst, *zLast; /* the invitee's names (the user's, else the invite's) */
  const char *zDisplay;       /* invites.display_name */
  const char *zRole, *zApp;   /* the role and app of the invite's subscription */
} InviteMailRow;
/* Set by a kind's xMail with sqlite3_mprintf(); outbox.c frees them. A
** NULL left behind is out of memory. */
typedef struct InviteMail {
  char *zFirst, *zLast, *zRole, *zApp;
} InviteMail;

typedef struct InviteKind {
  const char *zName;     /* invites.kind: "member" */
  const char *zTemplate; /* the template kind of its invitation email */
  /* Why invite_resend refuses it ("a session key: ..."), 0 when it may. */
  const char *zNoResend;
  /* A key sent to no address and no user may be redeemed by nobody: the
  ** holder joins without becoming a user. */
  int bNobody;
  /* What redeeming made, for invite_redeem's result: zRedeemed binds the
  ** invite's id and returns business_id, metadata, then one column for
  ** each name of azRedeemed (0-terminated). */
  const char *zRedeemed;
  const char *const *azRedeemed;
  /* The rules of its verbs: the tables whose refusal prefix
  ** ("invites: ") its explanations drop (0-terminated), and the details
  ** it adds to a refusal of rule eRule: 1 when it set the result, 0 to
  ** keep the trigger's message. */
  const char *const *azRefused;
  int (*xExplain)(sqlite3_context *ctx, InviteRuleKind eRule, const InviteAsk *pAsk);
  /* The kind's macros of its invitation email (InviteMail). */
  int (*xMail)(sqlite3_context *ctx, const InviteMailRow *pRow, InviteMail *pMail);
} InviteKind;

#define INVITE_KIND_DECLARE(k) extern const InviteKind invite_kind_##k;
INVITE_KINDS(INVITE_KIND_DECLARE)
#undef INVITE_KIND_DECLARE

/* (kinds.c) The kind named zName (an invites.kind value), or 0. */
const InviteKind *invite_kind(const char *zName);

/* (rules.c) After pKind's verb failed to write: a cause that is not a rule is
** reported as it is; a refusal gets pKind's details, else the trigger's
** message without its rule name and table prefix. Returns the audit
** reason of the rule ("seat_limit"), or 0. */
const char *invite_explain(sqlite3_context *ctx, const InviteKind *pKind, const InviteAsk *pAsk);

/* (outbox.c) xMail of a kind addressed to a person: the invitee's names, zRole and
** the subscription's app. */
int invite_mail_person(const InviteMailRow *pRow, InviteMail *pMail, const char *zRole);

#endif /* INVITE_KINDS_H */
