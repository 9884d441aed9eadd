/*
** verbs.h — the SQL entry points registered by entry.c, one line each,
** grouped by the file that implements them.
*/
#ifndef INVITE_VERBS_H
#define INVITE_VERBS_H

#define INVITE_SQL_FUNC(name) void name(sqlite3_context *ctx, int argc, sqlite3_value **argv)

/* schema.c */
INVITE_SQL_FUNC(invite_init_func);
INVITE_SQL_FUNC(invite_version_func);
INVITE_SQL_FUNC(invite_debug_func);
/* dqlite.c */
INVITE_SQL_FUNC(invite_last_error_func);
/* clock.c */
INVITE_SQL_FUNC(invite_clock_func);
/* verbs_member.c */
INVITE_SQL_FUNC(invite_create_func);
/* verbs_invite.c */
INVITE_SQL_FUNC(invite_redeem_func);
INVITE_SQL_FUNC(invite_peek_func);
INVITE_SQL_FUNC(invite_revoke_func);
INVITE_SQL_FUNC(invite_decline_func);
INVITE_SQL_FUNC(invite_resend_func);
/* verbs_guest.c */
INVITE_SQL_FUNC(guest_invite_func);
INVITE_SQL_FUNC(guest_renew_func);
INVITE_SQL_FUNC(guest_remove_func);
INVITE_SQL_FUNC(guest_leave_func);
INVITE_SQL_FUNC(guest_switch_func);
INVITE_SQL_FUNC(invite_notify_expiring_func);
/* verbs_session.c */
INVITE_SQL_FUNC(session_invite_func);
INVITE_SQL_FUNC(session_join_func);
INVITE_SQL_FUNC(session_leave_func);
/* events.c */
INVITE_SQL_FUNC(invite_note_expired_func);
/* notify.c */
INVITE_SQL_FUNC(invite_notify_pending_func);
/* retention.c */
INVITE_SQL_FUNC(invite_erasing_func);
INVITE_SQL_FUNC(invite_purge_func);
INVITE_SQL_FUNC(user_forget_func);
/* macro_sql.c */
INVITE_SQL_FUNC(macro_expand_func);
INVITE_SQL_FUNC(invite_template_check_func);
INVITE_SQL_FUNC(invite_text_problem_func);
INVITE_SQL_FUNC(invite_raise_func);
/* audit.c */
INVITE_SQL_FUNC(invite_audit_hash_func);
INVITE_SQL_FUNC(invite_audit_commit_func);
INVITE_SQL_FUNC(invite_law_writer_func);
INVITE_SQL_FUNC(invite_installing_func);
INVITE_SQL_FUNC(invite_check_func);
INVITE_SQL_FUNC(invite_audit_head_func);
INVITE_SQL_FUNC(invite_audit_key_func);
INVITE_SQL_FUNC(invite_audit_verify_func);
/* outbox.c */
INVITE_SQL_FUNC(invite_outbox_problem_func);
/* seats.c */
INVITE_SQL_FUNC(seat_available_func);

#endif /* INVITE_VERBS_H */
