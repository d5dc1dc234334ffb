from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ips.accounts"
    label = "ips_accounts"
    verbose_name = "Signing in"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in

        from ips.accounts import services

        # Every way of signing in (the sign-in page, the admin's) calls login(): the one place to note
        # that a user with a device still owes a code.
        user_logged_in.connect(services.on_user_logged_in, dispatch_uid="ips_accounts_second_factor_pending")
        user_locked_out.connect(services.on_user_locked_out, dispatch_uid="ips_accounts_lockout_log")
