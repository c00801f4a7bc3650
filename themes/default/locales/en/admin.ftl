## The newsroom: every page and message staff see.

admin-newsroom = Newsroom
admin-nav-label = Newsroom
admin-articles = Articles
admin-new-article = New article
admin-media = Media
admin-sections = Sections
admin-tags = Tags
admin-authors = Authors
admin-pages = Pages
admin-newsletter = Newsletter
admin-revenue = Revenue
admin-subscribers = Subscribers
admin-staff = Staff
admin-settings = Settings
admin-audit = Audit log
admin-jobs = Background work
admin-webhooks = Webhooks
admin-two-factor = Two-factor
admin-view-site = View site
admin-sign-out = Sign out
admin-site-newsroom = { $site } newsroom
admin-role =
    { $role ->
        [admin] admin
        [editor] editor
       *[reporter] reporter
    }
admin-language = Newsroom language
admin-change = Change
admin-setting-up = Setting up { $site }
admin-step-state =
    { $done ->
        [yes] done
       *[no] to do
    }
admin-find-articles = Find articles
admin-headline-contains = Headline contains
admin-state = State
admin-any = Any
admin-article-state =
    { $state ->
        [draft] draft
        [scheduled] scheduled
       *[published] published
    }
admin-section = Section
admin-author = Author
admin-find = Find
admin-show-all = Show all
admin-article-count =
    { $n ->
        [one] { $n } article
       *[other] { $n } articles
    }
admin-found = found
admin-articles-caption = Articles, most recently changed first
admin-headline = Headline
admin-on-the-site = On the site
admin-last-change = Last change
admin-view = View
admin-pages-of-list = Pages of the list
admin-newer-changes = Newer changes
admin-older-changes = Older changes
admin-no-match = No article matches.
admin-show-all-articles = Show all articles.
admin-no-articles = No articles yet.
admin-write-first = Write the first one.
admin-sign-in-title = Sign in to the newsroom
admin-password = Password
admin-code-or-recovery = Code from your authenticator app, or a recovery code
admin-code-hint = only for accounts with two-factor sign-in
admin-forgot-password = Forgot your password?
admin-edit-title = Edit: { $headline }
admin-edit-article = Edit article
admin-for = for
admin-correct-fields =
    { $n ->
        [one] Please correct { $n } field below.
       *[other] Please correct { $n } fields below.
    }
admin-dek = Dek
admin-dek-hint = the line under the headline
admin-body = Body
admin-choose = Choose…
admin-dateline = Dateline
admin-tags-hint = separated by commas
admin-slug = Address (slug)
admin-slug-hint = empty: made from the headline
admin-hero-image = Hero image
admin-image = Image
admin-from-library = from the <a href="/admin/media">media library</a>
admin-no-image = No image
admin-chosen-hero = The chosen hero image
admin-alt-text = Alt text
admin-caption = Caption
admin-credit = Credit
admin-search-social = Search and social
admin-seo-title = SEO title
admin-seo-description = SEO description
admin-save = Save
admin-preview = Preview
admin-revisions = Revisions
admin-live-preview = Live preview
admin-publication = Publication
admin-publish-now = Publish now
admin-withdraw = Withdraw from the site
admin-mark-updated = Mark as updated
admin-publish-at = Publish at ({ $zone })
admin-schedule = Schedule
admin-correction-note = Add a correction note
admin-add-correction = Add correction
admin-on-front = On the front page
admin-front-slot =
    { $slot ->
        [lead] pinned as the lead
        [featured] pinned among the featured
       *[flow] in the flow of newest stories
    }
admin-pin-until = until ({ $zone }; empty: until unpinned)
admin-name = Name
admin-address = Address
admin-section-slug-hint = The part after /sections/. Leave empty to make it from the name.
admin-menu-place = Place in the menu
admin-smaller-first = Smaller numbers come first.
admin-description = Description
admin-show-in-menu = Show in the site's menu
admin-byline-name = Name, as bylines show it
admin-author-slug-hint = The part after /authors/. Leave empty to make it from the name.
admin-author-title = Title
admin-author-title-example = Court reporter
admin-biography = Biography
admin-photo = Photo
admin-none = None
admin-staff-account = Staff account
admin-guest-option = None: a guest who does not sign in
admin-account-hint = Their new articles are credited to this profile.
admin-links = Links
admin-links-hint = one a line: Label | https://…
admin-author-page-title = Author: { $name }
admin-all-authors = All authors
admin-on-site-at = On the site:
admin-correct-below = Please correct the fields below.
admin-save-profile = Save profile
admin-authors-caption = Author profiles, by name
admin-guest = guest
admin-new-profile = New profile
admin-new-profile-text = For a guest columnist or anyone credited without signing in; staff get a profile with their account.
admin-create-profile = Create profile
admin-sections-caption = Sections, in menu order
admin-place = Place
admin-in-menu = In the menu
admin-yes-no =
    { $answer ->
        [yes] yes
       *[no] no
    }
admin-no-sections = The site has no sections yet. Every article belongs to one, so create the first here: for example News, Investigations or Opinion.
admin-new-section = New section
admin-create-section = Create section
admin-section-page-title = Section: { $name }
admin-all-sections = All sections
admin-new-address-hint = A new address keeps the old one working: readers and search engines are sent on to the new one.
admin-save-section = Save section
admin-delete-section-title = Delete this section
admin-move-articles-to = Move its articles to
admin-choose-section = Choose a section
admin-move-hint = Its address will then lead to that section.
admin-delete-section = Delete section
admin-tags-caption = Tags, by name
admin-no-tags = No tags yet. They are made as articles are saved: type them in the editor's Tags field.
admin-tag-page-title = Tag: { $name }
admin-all-tags = All tags
admin-rename = Rename
admin-save-tag = Save tag
admin-merge-title = Merge into another tag
admin-tag-to-keep = Tag to keep
admin-merge-hint = Its articles take the tag you keep; this tag's address then leads there.
admin-merge = Merge
admin-delete = Delete
admin-delete-tag-text = The tag is taken off its articles; the articles stay.
admin-delete-tag = Delete tag
admin-new-page = New page
admin-pages-intro = Standing pages such as About, Contacts, the corrections policy or privacy: outside the news, not in feeds, linked from the menu or the footer.
admin-standing-pages = Standing pages
admin-title = Title
admin-linked-from = Linked from
admin-placement =
    { $place ->
        [menu] the menu
        [footer] the footer
       *[none] nowhere
    }
admin-no-pages = No pages yet. <a href="/admin/pages/new">Write the first one</a>, such as “About us”.
admin-edit-page-title = Edit page: { $title }
admin-edit-page = Edit page
admin-text = Text
admin-page-slug-hint = after /pages/; empty: from the title
admin-link-from = Link to it from
admin-link-place = Place among those links
admin-view-on-site = View on the site
admin-publish = Publish
admin-revisions-title = Revisions: { $title }
admin-revisions-of = Revisions of “{ $title }”
admin-back-to-editor = Back to the editor
admin-revisions-caption = Revisions, newest first
admin-saved = Saved
admin-by = By
admin-newest-changes = Changes in the newest revision
admin-first-revision = The first revision
admin-actions = Actions
admin-compare = Compare with previous
admin-restore = Restore
admin-revision-changes = Changes in this revision
admin-audit-caption = Who did what, newest first
admin-when = When
admin-who = Who
admin-what = What
admin-subject = Subject
admin-detail = Detail
admin-jobs-intro = Newsletter sends and other work the server does on its own, newest first. A failed attempt is tried again later (after 30 seconds, then 2, 8 and 32 minutes). The due check, which publishes scheduled articles and starts newsletter issues when their time comes, runs every 15 seconds: its row shows when it last ended and when it runs next.
admin-jobs-caption = Jobs, newest first
admin-work = Work
admin-for-what = For
admin-attempts = Attempts
admin-due = Due
admin-ended = Ended
admin-last-error = Last error
admin-job-state =
    { $state ->
        [queued] queued
        [running] running
        [done] done
        [failed] failed
       *[other] { $state }
    }
admin-of = { $done } of { $total }
admin-nothing-yet = Nothing yet.
admin-new-issue = New issue
admin-newsletter-sent =
    Sent { $schedule } ({ $zone }) to <strong>{ $n }</strong> { $n ->
        [one] active subscriber
       *[other] active subscribers
    }
admin-waiting-to-confirm = { $n } waiting to confirm
admin-no-mail-server = No mail server is configured for the newsletter: issues can be written and previewed, but not sent. Set <code>[newsletter] smtp_url</code> (or <code>[mail] smtp_url</code>) in the configuration.
admin-issues-caption = Issues, newest first
admin-stories = Stories
admin-delivery = Delivery
admin-issue-state =
    { $state ->
        [draft] draft
        [scheduled] scheduled
        [sending] sending
        [sent] sent
       *[other] { $state }
    }
admin-sent-count = { $n } sent
admin-failed-count = { $n } failed
admin-to-go-count = { $n } to go
admin-no-issues = No issues yet. Start one with “New issue”.
admin-issue = Newsletter issue
admin-new-newsletter-issue = New newsletter issue
admin-progress = <span class="progress-sent">{ $sent }</span> sent, <span class="progress-failed">{ $failed }</span> failed, <span class="progress-pending">{ $pending }</span> to go.
admin-see-as-mailed = See it as mailed
admin-in-public-archive = In the public archive
admin-subject-line = Subject line
admin-introduction = Introduction
admin-introduction-hint = Markdown; a few lines from the editors
admin-full-text = Carry the whole articles
admin-full-text-hint = for readers who can reach neither the site nor a mirror
admin-stories-hint = give each story you pick its place: 1 first, 2 second…; leave the rest empty
admin-candidates-caption = Published articles to choose from
admin-place-of = Place of “{ $headline }”
admin-check-and-send = Check and send
admin-preview-as-mailed = Preview as mailed
admin-send-test = Send a test to { $email }
admin-unschedule = Unschedule
admin-schedule-for = Schedule for
admin-send-now = Send to all subscribers now
admin-scheduled-hint = Scheduled issues go out by themselves { $schedule }, the newsroom's time. Saving after scheduling keeps the schedule.
admin-media-library = Media library
admin-upload-image = Upload an image
admin-upload-hint = JPEG, PNG, WebP or GIF, up to { $mb } MB; resized for phones and screens, the original kept
admin-upload = Upload
admin-renditions = { $n } renditions
admin-original = Original ({ $mime })
admin-library-empty = The library is empty.
admin-no-provider = No payment provider is configured ([revenue] provider): card gifts are off; other ways to give still show on the support page.
admin-raised-of-goal = <strong>{ $raised }</strong> of { $goal } this month ({ $percent }%)
admin-mrr = monthly recurring revenue
admin-recurring-supporters = <strong>{ $n }</strong> recurring supporters
admin-once-this-month = one-time gifts this month
admin-last-twelve-months = The last twelve months
admin-currency-hint = { $currency }; other currencies are in the CSV
admin-growth-caption = Recurring revenue, one-time gifts and supporters per month
admin-month = Month
admin-mrr-column = Monthly recurring revenue
admin-one-time-gifts = One-time gifts
admin-new-recurring = New recurring
admin-download-payments = Download every payment as CSV
admin-events-unread = Events kept unread
admin-events-unread-text =
    Stripe sent { $n } signed { $n ->
        [one] event
       *[other] events
    } this version of Kolokol could not read. Nothing is lost: each is kept as it came. After upgrading Kolokol, run <code>kolokol revenue replay</code> to apply them.
admin-received = Received
admin-event = Event
admin-type = Type
admin-api-version = API version
admin-why = Why
admin-stripe-version = Stripe requests name API version { $version }; create the webhook endpoint with the same version. Events of older versions are read too.
admin-correct-fields-unsaved =
    { $n ->
        [one] Please correct { $n } field below; nothing was saved.
       *[other] Please correct { $n } fields below; nothing was saved.
    }
admin-the-site = The site
admin-tagline = Tagline
admin-main-language = Main language
admin-main-language-hint = code, e.g. en or ru
admin-other-languages = Other languages articles appear in
admin-other-languages-hint = codes, separated by commas
admin-menu-links = Menu links after the sections
admin-menu-links-hint = one a line: <code>About | /about</code>
admin-reaching-readers = Reaching readers where the site is blocked
admin-onion-hint = sent to Tor Browser as <code>Onion-Location</code>
admin-mirrors-hint = one https:// address a line; listed on /mirrors and in mirrors.json
admin-security = Security
admin-require-two-factor = Require two-factor sign-in for all staff
admin-require-two-factor-hint = staff without it are asked to set it up before anything else
admin-support-banner = Support banner
admin-show-banner = Show the banner on every page
admin-button = Button
admin-link = Link
admin-notice-title = Notice for readers in a country that blocks the site
admin-show-notice = Show the notice above the masthead
admin-link-text = Link text
admin-sent-every = Sent every
admin-weekday =
    { $day ->
        [monday] Monday
        [tuesday] Tuesday
        [wednesday] Wednesday
        [thursday] Thursday
        [saturday] Saturday
        [sunday] Sunday
       *[friday] Friday
    }
admin-at = At
admin-newsroom-time = the newsroom's time, { $zone }
admin-policy-version = Policy version
admin-policy-version-hint = change it when the policy changes; every consent records it
admin-save-settings = Save settings
admin-invitation-sent = Invitation sent to { $email }.
admin-invitation-created =
    { $mail ->
        [yes] Invitation created for { $email }, but the e-mail could not be sent. Send them this link yourself:
       *[no] Invitation created for { $email }. Send them this link yourself:
    }
admin-link-seven-days = The link works once, for seven days.
admin-staff-accounts = Staff accounts
admin-email = E-mail
admin-role-heading = Role
admin-account = Account
admin-you = you
admin-role-of = Role of { $name }
admin-the-role-of = the role of { $name }
admin-on-off =
    { $on ->
        [yes] on
       *[no] off
    }
admin-disabled = disabled
admin-enable-disable =
    { $disabled ->
        [yes] Re-enable
       *[no] Disable
    }
admin-invite-someone = Invite someone
admin-invite = Invite
admin-subscriber-status =
    { $status ->
        [active] active
        [pending] waiting to confirm
        [unsubscribed] unsubscribed
       *[suppressed] suppressed
    }
admin-growth-weeks = Growth, last 12 weeks
admin-growth-weeks-caption = Confirmed sign-ups and departures per week
admin-week-from = Week from
admin-joined = Joined
admin-left = Left
admin-import-export = Import and export
admin-download-subscribers = Download all subscribers as CSV
admin-with-consent = with their consent records
admin-csv-file = CSV file
admin-csv-file-hint = a header row with <code>email</code>; optional <code>signed_up_at</code>, <code>confirmed_at</code>, <code>policy_version</code>, <code>form</code>, <code>status</code>
admin-import = Import
admin-import-hint = Import only people who agreed to receive the newsletter elsewhere; they are added as confirmed. Addresses already on the list, suppressed ones included, are left as they are.
admin-suppress-title = Suppress an address
admin-reason = Reason
admin-reason-example = complaint, bounce report…
admin-suppress = Suppress
admin-latest-100 = Latest 100
admin-latest-subscribers = The latest subscribers
admin-signed-up = Signed up
admin-confirmed = Confirmed
admin-form = Form
admin-note = Note
admin-nobody-subscribed = Nobody has subscribed yet.
admin-two-factor-title = Two-factor sign-in
admin-two-factor-on = Two-factor sign-in is on.
admin-recovery-codes = Your recovery codes
admin-recovery-codes-text = Each code lets you sign in once without your phone. Keep them somewhere safe, away from your phone. They are shown only now.
admin-continue = Continue to the newsroom
admin-two-factor-on-account = Two-factor sign-in is on for your account.
admin-turn-off-code = To turn it off, enter the current code from your app
admin-turn-off = Turn off two-factor sign-in
admin-required-for-all = The newsroom requires it for all staff.
admin-required-set-up = The newsroom requires two-factor sign-in. Set it up to continue.
admin-two-factor-why = With two-factor sign-in, someone who learns your password still cannot sign in without your phone.
admin-two-factor-step-1 = Install an authenticator app on your phone (any app that supports TOTP codes).
admin-two-factor-step-2 = Scan this code with it, or type the secret below.
admin-two-factor-step-3 = Enter the six-digit code the app shows.
admin-qr-alt = QR code for your authenticator app; the same secret is written below
admin-secret = Secret:
admin-code-from-app = Code from the app
admin-turn-on = Turn on two-factor sign-in
admin-enter-code = Enter your code
admin-enter-code-text = Open the authenticator app on your phone and enter the six-digit code for { $email }. Lost your phone? Enter one of your recovery codes instead.
admin-code = Code
admin-reset-sent = If an account uses { $email }, we have sent it a link to choose a new password. The link works once, for { $hours } hours.
admin-back-to-sign-in = Back to sign in
admin-no-mail-reset = This site cannot send e-mail yet. Ask the person who runs the server to set your password with <code>kolokol user reset-password</code>.
admin-forgot-text = Give the address you sign in with, and we will mail you a link to choose a new password.
admin-send-link = Send the link
admin-choose-password = Choose a new password
admin-reset-for = For { $person }. Every place you are signed in will be signed out.
admin-new-password = New password
admin-password-hint = at least 12 characters
admin-password-again = The same password again
admin-save-password = Save the new password
admin-link-does-not-work = This link does not work
admin-reset-expired = It has been used already, or it has expired. <a href="/admin/password/forgot">Ask for a new one.</a>
admin-join-newsroom = Join the newsroom
admin-join = Join { $site }
admin-invited-as = You are invited as { $role }, with the address { $email }. Choose your password.
admin-your-byline-name = Your name, as bylines show it
admin-join-button = Join
admin-invitation-does-not-work = This invitation does not work
admin-invitation-expired = It has been used already, or more than seven days have passed. Ask the person who invited you for a new one.
admin-webhooks-intro = Tell another system when something happens here: Kolokol posts the event to the address, signed like Ghost's webhooks (<code>X-Ghost-Signature</code>), and tries again later when the answer is not a success. An answer of 410 removes the webhook.
admin-webhook-added = Webhook added. Its secret, which signs every delivery, is shown only now:
admin-registered = Registered
admin-registered-webhooks = Registered webhooks
admin-since = Since
admin-remove = Remove
admin-add-webhook = Add a webhook
admin-latest-deliveries = Latest deliveries
admin-latest-deliveries-caption = Latest deliveries, newest first
admin-answer = Answer
admin-nothing-delivered = Nothing delivered yet.

## What a page says after a change (admin-done-<page>-<what>)
admin-done-article-saved = Saved.
admin-done-article-published = Published.
admin-done-article-scheduled = Scheduled.
admin-done-article-unpublished = Withdrawn from the site.
admin-done-article-updated = Marked as updated.
admin-done-article-corrected = Correction added.
admin-done-article-restored = Revision restored.
admin-done-article-pinned = Pinned to the front page.
admin-done-article-unpinned = Back in the flow of newest stories on the front page.
admin-done-login-joined = Welcome to the newsroom. Sign in with your new password.
admin-done-login-reset = Your password is changed. Sign in with the new one.
admin-done-author-created = Profile created.
admin-done-author-saved = Profile saved.
admin-done-section-created = Section created.
admin-done-section-saved = Section saved.
admin-done-section-deleted = Section deleted.
admin-done-tag-renamed = Tag saved.
admin-done-tag-merged = Tags merged.
admin-done-tag-tag-deleted = Tag deleted.
admin-done-page-saved = Saved.
admin-done-page-published = Published.
admin-done-page-withdrawn = Withdrawn from the site.
admin-done-issue-saved = Saved. Preview it, send yourself a test, then send or schedule it.
admin-done-issue-tested = A test copy is on its way to your address.
admin-done-issue-scheduled = Scheduled. It goes out by itself at the time shown.
admin-done-issue-unscheduled = Back to draft: it will not go out until you send or schedule it.
admin-done-issue-sending = Sending has started. This page shows the progress.
admin-done-subscribers-suppressed = Suppressed: that address will never be mailed again.
admin-done-settings-saved = Settings saved. The site shows them now.
admin-imported = Imported { $added } subscribers ({ $left } of them had left the other list and will not be mailed); { $skipped } were already on the list and were left as they were.
admin-uploaded = Uploaded as image #{ $id }. Choose it as an article's hero image in the editor.

## Setting up a new site
admin-setup-name = Name the site
admin-setup-now = Now: { $what }
admin-setup-language = Language and time zone
admin-setup-language-now = Now: { $language }, { $zone }; schedules and dates follow the zone
admin-setup-sections = Create the first sections
admin-setup-sections-now =
    { $n ->
        [0] Every article belongs to a section; there are none yet
       *[other] { $n } so far
    }
admin-setup-goal = Monthly goal and currency
admin-setup-goal-now = { $goal } a month
admin-setup-goal-unset = Not set: readers see no goal. Set revenue.monthly_goal and revenue.currency in the configuration file
admin-setup-mail = Outgoing mail
admin-setup-mail-done = Set up
admin-setup-mail-unset = Not set: invitations and newsletters cannot be mailed. Set mail.smtp_url in the configuration file
admin-setup-invite = Invite your colleagues
admin-setup-accounts =
    { $n ->
        [one] { $n } account
       *[other] { $n } accounts
    }
admin-autosaved = Draft saved automatically at
admin-autosave-failed = Not saved automatically: please check the fields and save.
admin-autosave-offline = Offline: your changes are not saved yet.
admin-job-due = Due check (scheduled articles and issues)
admin-job-send = Newsletter send (issue id)
admin-job-webhook = Webhook delivery
# $event is the event's name with dashes for dots; the name itself is shown too.
admin-webhook-event =
    { $event ->
        [post-published] An article is published (post.published)
        [post-published-edited] A published article is edited (post.published.edited)
        [post-unpublished] An article is withdrawn (post.unpublished)
        [post-deleted] An article is deleted (post.deleted)
        [page-published] A standing page is published (page.published)
        [page-published-edited] A published standing page is edited (page.published.edited)
        [page-unpublished] A standing page is withdrawn (page.unpublished)
        [page-deleted] A standing page is deleted (page.deleted)
        [member-added] A reader subscribes (member.added)
       *[site-changed] Anything on the site changes (site.changed)
    }

## Languages and translations
admin-content-language = Language
admin-in-language = In { $language }
admin-translating = This will be a translation of “{ $headline }”.
admin-translations = Translations
admin-no-translations = No translations yet.
admin-write-translation = Write the { $language } version
admin-translation-of = Translation of (address)
admin-translation-hint = e.g. election-night
admin-link-translation = Link
admin-unlink-translation = Unlink from its translations
admin-done-article-linked = The translations are linked.
admin-done-article-unlinked = The article is no longer linked to its translations.
admin-done-page-linked = The translations are linked.
admin-done-page-unlinked = The page is no longer linked to its translations.
admin-issue-language = Language of the issue (it goes to the subscribers who signed up in it)
admin-site-in-language = The site in { $language }
admin-site-in-language-hint = What readers of this language's edition see instead of the texts above; a field left empty shows the theme's text in that language.
admin-integrations = Integrations
admin-integrations-intro = Let apps written for Ghost read and write here. Each integration gets a <strong>Content API key</strong> for reading what is public (<code>/ghost/api/content/</code>, e.g. with <code>@tryghost/content-api</code>) and an <strong>Admin API key</strong> for writing as an admin (<code>/ghost/api/admin/</code>, e.g. with <code>@tryghost/admin-api</code>). Keep the Admin API key secret; revoking the integration stops both keys at once.
admin-api-address = The API address to give the apps:
admin-content-api-key = Content API key
admin-admin-api-key = Admin API key
admin-revoke = Revoke
admin-add-integration = Add an integration
admin-archive-import = Import an archive
admin-import-intro = Bring an archive over from WordPress (Tools → Export → All content: an .xml file) or Ghost (Settings → Labs → Export your content: a .json file). Posts become articles and pages standing pages, with their authors, categories as sections, tags and pictures; the old addresses keep working. Importing the same file again updates what it brought instead of adding it twice.
admin-import-file = Export file (at most { $mb } MB)
admin-import-dry-run = Only report what would happen; write nothing
admin-import-no-fetch = Do not fetch pictures from the old site (they stay links)
admin-import-start = Import
admin-import-recent = Recent imports
admin-import-dry = a dry run
admin-import-about = From { $origin }, started by { $who }.
admin-import-report = Report
admin-import-back = Back to imports
admin-import-state =
    { $state ->
        [queued] Waiting to start
        [running] Importing
        [done] Finished
       *[failed] Stopped
    }
admin-unsaved-disk-full = Nothing was saved: the server's disk is full. Everything you typed is still below; copy it somewhere safe and tell whoever runs the server.
admin-unsaved-database = Nothing was saved: the database could not write it just now. Everything you typed is still below; try again in a moment, or copy it somewhere safe.
admin-upload-disk-full = { $name }: not uploaded, the server's disk is full. Nothing of it was kept; tell whoever runs the server.
admin-upload-not-written = { $name }: not uploaded, the server could not write the file ({ $why }). Nothing of it was kept.
