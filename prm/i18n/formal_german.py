"""Formal German for the messages of the third-party apps a person reads.

The project's German addresses people formally ("Sie"); django-allauth's German (sign-in, password
reset, sign-in code, email addresses, password change, two-factor pages, their messages and emails)
and Django REST framework's German (form and API errors; as an installed app, its German also takes
the place of Django's own for messages such as "Enter a valid email address." in every form) say
"du". Django looks messages up in the project's catalogue (`LOCALE_PATHS`) before any app's, so the
project catalogue can give these messages formal German, but only those its sources contain: this
module lists them. Nothing imports it; the catalogue extractor reads it. Each msgid is copied exactly
from the app's catalogue; tests/i18n/test_formal_address.py fails when one is missing here.
"""

from django.utils.translation import gettext_noop

# django-allauth: accounts (sign-in, sign-out, password reset and change, email addresses, their emails)
gettext_noop("You cannot remove your primary email address.")
gettext_noop("Please type your current password.")
gettext_noop("You cannot add more than %d email addresses.")
gettext_noop("Too many failed login attempts. Try again later.")
gettext_noop("Your primary email address must be verified.")
gettext_noop("Username can not be used. Please use other username.")
gettext_noop("Please select only one.")
gettext_noop("Be patient, you are sending too many requests.")
gettext_noop("You must type the same password each time.")
gettext_noop("You must type the same email each time.")
gettext_noop("Do you really want to remove the selected email address?")
gettext_noop(
    "You are receiving this email because you or someone else tried to signup for an\n"
    "account using email address:\n"
    "\n"
    "%(email)s\n"
    "\n"
    "However, an account using that email address already exists.  In case you have\n"
    "forgotten about this, please use the password forgotten procedure to recover\n"
    "your account:\n"
    "\n"
    "%(password_reset_url)s"
)
gettext_noop(
    "Thank you for using %(site_name)s!\n"
    "%(site_domain)s"
)
gettext_noop("Please Confirm Your Email Address")
gettext_noop("Your password has been changed.")
gettext_noop(
    "You're receiving this email because you or someone else has requested a password reset for your user account.\n"
    "It can be safely ignored if you did not request a password reset. Click the link below to reset your password."
)
gettext_noop("In case you forgot, your username is %(username)s.")
gettext_noop("Your email address is still pending verification.")
gettext_noop("Please confirm that <a href=\"mailto:%(email)s\">%(email)s</a> is an email address for user %(user_display)s.")
gettext_noop(
    "This email confirmation link expired or is invalid. Please <a href=\"%(email_url)s\">issue a new email confirmation request</a>."
)
gettext_noop("If you have not created an account yet, then please %(link)ssign up%(end_link)s first.")
gettext_noop("Are you sure you want to sign out?")
gettext_noop("You cannot remove your primary email address (%(email)s).")
gettext_noop("You have confirmed %(email)s.")
gettext_noop("You have signed out.")
gettext_noop("Forgotten your password? Enter your email address below, and we'll send you an email allowing you to reset it.")
gettext_noop("Please contact us if you have any trouble resetting your password.")
gettext_noop(
    "We have sent you an email. If you have not received it please check your spam folder. Otherwise contact us if you do not "
    "receive it in a few minutes."
)
gettext_noop(
    "The password reset link was invalid, possibly because it has already been used.  Please request a <a "
    "href=\"%(passwd_reset_url)s\">new password reset</a>."
)
gettext_noop("Your password is now changed.")
gettext_noop("Your phone number is still pending verification.")
gettext_noop("Already have an account? Then please %(link)ssign in%(end_link)s.")
gettext_noop("You are already logged in as %(user_display)s.")
gettext_noop(
    "You currently do not have any email address set up. You should really add an email address so you can receive notifications, "
    "reset your password, etc."
)
gettext_noop("Verify Your Email Address")
gettext_noop(
    "We have sent an email to you for verification. Follow the link provided to finalize the signup process. If you do not see the "
    "verification email in your main inbox, check your spam folder. Please contact us if you do not receive the verification email "
    "within a few minutes."
)
gettext_noop(
    "This part of the site requires us to verify that\n"
    "you are who you claim to be. For this purpose, we require that you\n"
    "verify ownership of your email address. "
)
gettext_noop(
    "We have sent an email to you for\n"
    "verification. Please click on the link inside that email. If you do not see the verification email in your main inbox, check "
    "your spam folder. Otherwise\n"
    "contact us if you do not receive it within a few minutes."
)
gettext_noop("<strong>Note:</strong> you can still <a href=\"%(email_url)s\">change your email address</a>.")

# django-allauth: two-factor authentication
gettext_noop("You are about to generate a new set of recovery codes for your account.")
gettext_noop("You are about to deactivate authenticator app based authentication. Are you sure?")

# Django REST framework: validation errors (in HTML forms and JSON answers)
gettext_noop("Date has wrong format. Use one of these formats instead: {format}.")
gettext_noop("Datetime has wrong format. Use one of these formats instead: {format}.")
gettext_noop("Duration has wrong format. Use one of these formats instead: {format}.")
gettext_noop("Ensure that there are no more than {max_decimal_places} decimal places.")
gettext_noop("Ensure that there are no more than {max_digits} digits in total.")
gettext_noop("Ensure that there are no more than {max_whole_digits} digits before the decimal point.")
gettext_noop("Ensure this field has at least {min_length} characters.")
gettext_noop("Ensure this field has no more than {max_length} characters.")
gettext_noop("Ensure this filename has at most {max_length} characters (it has {length}).")
gettext_noop("Ensure this value is greater than or equal to {min_value}.")
gettext_noop("Ensure this value is less than or equal to {max_value}.")
gettext_noop("Enter a valid \"slug\" consisting of Unicode letters, numbers, underscores, or hyphens.")
gettext_noop("Enter a valid \"slug\" consisting of letters, numbers, underscores or hyphens.")
gettext_noop("Enter a valid URL.")
gettext_noop("Enter a valid email address.")
gettext_noop("No file was submitted.")
gettext_noop("The submitted data was not a file. Check the encoding type on the form.")
gettext_noop("The submitted file is empty.")
gettext_noop("Time has wrong format. Use one of these formats instead: {format}.")
gettext_noop("Upload a valid image. The file you uploaded was either not an image or a corrupted image.")
