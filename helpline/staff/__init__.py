"""Staff accounts: sign-in with password and TOTP, roles as groups, access checks and the audit log.

rules      pure role and profile rules (no I/O)
access     who may reach a page or socket: staff_role, check_role, staff_required, socket_staff_user
accounts   creating accounts, roles, profiles, TOTP devices (do_* functions, audited)
signin     the sign-in steps, enrolment and sign-out (do_* functions, audited)
views      thin views over the above; urls under /staff/
admin_site the Django admin site that demands the second factor and audits every change
admin      admin registrations: the audit log (read-only) and staff profiles
"""
