## What forms and refusals say: the binary names a message, the theme words it.

## Actions, completing "Your role does not allow you to …"
action-add-finished-articles = add finished articles
action-add-tags = add tags
action-arrange-the-front-page = arrange the front page
action-change-the-sites-sections = change the site's sections
action-change-the-sites-sections-and-tags = change the site's sections and tags
action-change-the-sites-settings = change the site's settings
action-change-the-sites-tags = change the site's tags
action-compose-or-send-the-newsletter = compose or send the newsletter
action-edit-author-profiles = edit author profiles
action-edit-this-article = edit this article
action-export-subscribers = export subscribers
action-export-the-newsrooms-revenue = export the newsroom's revenue
action-import-subscribers = import subscribers
action-invite-colleagues = invite colleagues
action-make-accounts-directly = make accounts directly; invite people instead
action-manage-staff-accounts = manage staff accounts
action-manage-the-staff = manage the staff
action-manage-webhooks = manage webhooks
action-prepare-the-newsletter = prepare the newsletter
action-publish-withdraw-or-correct-this-article = publish, withdraw or correct this article
action-read-the-audit-log = read the audit log
action-see-or-change-the-list-of-subscribers = see or change the list of subscribers
action-see-the-background-work = see the background work
action-see-the-newsrooms-revenue = see the newsroom's revenue
action-send-newsletter-issues = send newsletter issues
action-set-other-peoples-passwords = set other people's passwords
action-suppress-addresses = suppress addresses
action-write-the-sites-standing-pages = write the site's standing pages
who-staff = staff
who-editors = an editor or an admin
who-admins = an admin
error-forbidden = Your role does not allow you to { $what }.
error-role-only = Your role does not allow this: it is for { $who }.

## Signing in
admin-sign-in-expired = The sign-in form expired. Please try again.
admin-sign-in-locked = Too many failed sign-ins for this account. Wait { $minutes } minutes, or, if you use two-factor sign-in, type a code from your app with your password.
admin-sign-in-throttled = Too many failed sign-ins. Wait { $minutes } minutes and try again.
admin-sign-in-disk-full = Signing in is not possible just now: the server's disk is full, so the sign-in cannot be recorded. The site goes on being read; tell whoever runs the server.
admin-sign-in-unrecorded = The sign-in could not be recorded: the database cannot write just now. Try again in a moment.
admin-sign-in-mismatch = That e-mail address and password do not match.
admin-sign-in-mismatch-code = That e-mail address, password and code do not match.
admin-challenge-expired = This form has expired. Sign in again.
admin-codes-throttled = Too many wrong codes. Wait { $minutes } minutes and try again.
admin-code-wrong = That code is not right. Use the current code from your app, or a recovery code.
admin-two-factor-required = The newsroom requires two-factor sign-in, so it cannot be turned off.
admin-reset-too-many = Too many reset links were asked for from your connection; try again in an hour.
error-code-mismatch = That code does not match. Check the time on your phone and enter the current code.
error-code-to-disable = Enter the current code from your app to turn two-factor sign-in off.
error-sign-in-email = Give the e-mail address you sign in with.
error-password-short = Use at least { $min } characters; a few words make a good password.
error-password-long = Use at most { $max } characters.
error-passwords-differ = The two passwords differ.
mail-reset-subject = Choose a new password for the { $site } newsroom
mail-reset-body =
    Hello { $name },

    Someone (we hope you) asked to reset your password for the { $site } newsroom. Choose a new one here; the link works once, for { $hours } hours:
    { $link }

    If it was not you, ignore this message: your password stays as it is.
mail-invite-subject = You are invited to the { $site } newsroom
mail-invite-body =
    Hello { $name },

    { $inviter } invites you to join the { $site } newsroom as { $role }.

    Choose your password here (the link works once, for { $days } days):
    { $link }

    If you did not expect this, ignore this message.

## Staff
error-email = Give an e-mail address, like name@example.org.
error-email-staff = Someone on the staff already uses this address.
error-byline-name = Give the name bylines show (up to { $max } characters).
error-role = Choose a role.
error-name-letters = The name needs letters or digits.
error-account-exists = An account for { $email } already exists.
error-account-exists-sign-in = An account for this address already exists; sign in instead.
error-change-yourself = You cannot change your own role or account here, so that the newsroom is never left without an admin.
error-language = "{ $tag }" is not a language code such as en or ru.
error-language-untranslated = The newsroom is not translated into { $tag }; choose one of { $offered }.

## Articles and pages
error-keep-under = Keep this under { $max } characters.
error-headline-missing = Every article needs a headline.
error-body-too-long = The body is longer than { $max } characters; split it into several articles.
error-slug =
    { $why ->
        [empty] This address will not do: it cannot be empty (for example "{ $example }").
        [too-long] This address will not do: it can be at most { $max } characters long (for example "{ $example }").
       *[invalid] This address will not do: it may contain only lowercase letters a-z, digits and single hyphens between them (for example "{ $example }").
    }
error-section-missing = Choose a section.
error-authors-missing = Credit at least one author.
error-too-many-tags = Use at most { $max } tags.
error-bad-tag = The tag "{ $tag }" needs letters or digits and at most 60 characters.
error-hero-image = Choose an image from the library, or none.
error-alt-missing = Describe the picture for readers who cannot see it.
error-image-gone = That image is no longer in the library; choose another.
error-slug-taken-article = Another article already uses the address { $slug }.
error-slug-taken-article-edit = Another article already uses this address. Choose a different slug.
error-slug-taken-page = Another page already uses this address. Choose a different one.
error-slug-taken-section = Another section already uses this address. Choose a different one.
error-slug-taken-tag = Another tag already uses this address. To join the two, merge them instead.
error-slug-taken-author = Another author already uses this address. Choose a different one.
error-publish-time = Give the publication time as a date and a time.
error-publish-past = That time has passed. Choose a time in the future, or publish now.
error-update-unpublished = Only a published article can be marked as updated.
error-correction = Write the correction (up to { $max } characters).
error-pin-past = That time has passed. Choose a later one, or leave it empty.
error-pin-end = Give the end as a date and a time.
error-front-slot = Choose lead, featured or neither.
error-restore-slug-taken = Another article now uses this revision's address; change its slug first.
error-preview-expired = This page has expired. Reload it to keep previewing.
error-not-utf8 = The text is not UTF-8.
error-unknown-action = That action is unknown; use the page's buttons.
error-choose-from-list = Choose from the list.
error-article-state = Choose draft, scheduled or published.
error-page-number = The page number must be a whole number from 1 to { $max }.
error-page-title = Give the page a title (up to { $max } characters).
error-placement = Choose the menu, the footer or neither.
error-position = Give the place as a whole number, such as 1.

## Sections, tags, authors
error-name-missing =
    { $what ->
        [section] Give the section a name.
       *[tag] Give the tag a name.
    }
error-section-gone = That section no longer exists; choose another.
error-move-into-itself = Choose another section to move the articles to.
error-move-to-list = Choose the section to move the articles to from the list.
error-section-not-empty =
    { $n ->
        [one] This section still holds { $n } article. Choose a section to move it to.
       *[other] This section still holds { $n } articles. Choose a section to move them to.
    }
error-tag-gone = That tag no longer exists; choose another.
error-merge-into-itself = Choose another tag to merge this one into.
error-merge-into-list = Choose the tag to merge into from the list.
error-photo = Choose a picture from the library, or none.
error-account = Choose a staff account, or none.
error-account-gone = That staff account does not exist.
error-link-form = Write each link as "Label | https://…": "{ $line }".
error-link-address = Each link needs a label and an address starting with https://: "{ $line }".
error-too-many-links = Give at most { $max } links.

## Settings
error-site-name = Give the site a name of up to { $max } characters.
error-menu-link = "{ $line }" should look like `About | /about` or `Mirrors | https://…` (label up to 40 characters).
error-too-many-menu-links = Use at most { $max } menu links.
error-onion = An onion address looks like http://(56 letters and digits).onion
error-mirror = "{ $line }" is not an https:// address.
error-banner-incomplete = A banner that is shown needs its text and its button label.
error-notice-incomplete = A notice that is shown needs its text.
error-link-target = Link to a page of this site ({ $example }) or to an https:// address.
error-newsletter-name = Name the newsletter in up to { $max } characters.
error-weekday = Choose a day of the week.
error-time-of-day = Give the time as hours and minutes, like 09:00.
error-policy-version = Give the privacy policy's version, such as 2026-03 (up to { $max } characters).

## The newsletter and subscribers
error-subject-missing = Give the issue a subject line.
error-subject-lines = The subject must be one line.
error-article-number = "{ $text }" is not an article number.
error-too-many-articles = Pick at most { $max } articles.
error-story-position = "{ $text }" is not a position: use 1 for the first story, 2 for the second…
error-issue-sending = This issue has already started sending; it can no longer change.
error-no-newsletter-mail = No mail server is configured for the newsletter ([newsletter] or [mail] smtp_url), so nothing can be sent.
error-test-refused = The mail server did not take the test: { $why }
admin-test-subject = [Test] { $subject }
admin-upload-failed = The upload failed: { $why }. Files up to { $mb } MB are accepted.
admin-choose-csv = Choose a CSV file to import.
admin-nothing-imported =
    Nothing was imported. { $problems }{ $more ->
        [0] {""}
       *[other] { " " }…and { $more } more problems.
    }
admin-suppress-email = Enter the e-mail address to suppress.

## Media
admin-choose-image = Choose an image file to upload.
admin-file-too-large = The file is larger than { $mb } MB.
admin-upload-interrupted = The upload was interrupted or malformed; please try again.
error-image-empty = The file is empty.
error-image-type = This is not a JPEG, PNG, WebP or GIF image.
error-image-pixels = The image is { $width }×{ $height } pixels; at most { $max } pixels on each side and { $megapixels } megapixels in all are accepted.
error-image-damaged = The image cannot be read; it may be damaged ({ $why }).

## Webhooks
error-webhook-event = Choose one of the events in the list.
error-webhook-address = Give a full address, like https://hooks.example/kolokol.
error-webhook-scheme = Only http and https addresses can receive webhooks.
error-webhook-no-host = The address has no host.
error-webhook-unknown-host = { $host } cannot be found.
error-webhook-private = { $host } is a private address (this machine or a local network); the server's configuration must allow that first.

## Languages and translations
error-language-offered = Choose one of the site's languages: { $languages }.
error-translation-unknown = There is nothing at the address “{ $slug }”. Give the address of the translation, such as election-night.
error-translation-language-taken = Those texts are in the same language, or the translations already have one in this language.

## Subscriber imports
import-not-csv = The file is not readable CSV: { $reason }
import-no-email-column = The first row must name the columns, one of them “email” (or Mailchimp's “Email Address”).
import-row-unreadable = Row { $row }: { $reason }
import-row-email = Row { $row }: “{ $value }” is not an e-mail address.
import-row-time = Row { $row }: { $column } “{ $value }” is not a time like 2026-03-01T09:00:00Z or 2026-03-01 09:00:00.
import-row-language = Row { $row }: language “{ $value }” is not a language tag such as en or ru.
action-manage-integrations = manage integrations
error-integration-name = Give the integration a name (at most { $max } characters).
error-integration-taken = An integration of that name exists; choose another name.
action-delete-articles = delete articles
error-article-in-newsletter = This article went out in a newsletter issue, so it stays for the archive of what was sent; withdraw it from the site instead.
action-import-content = import archives from other platforms
error-import-no-file = Choose the export file to import.
error-import-too-large = The file is larger than imports accept.
error-import-cut-off = The file did not arrive whole; try again.
error-import-kind = This is neither a WordPress export (XML) nor a Ghost export (JSON).
