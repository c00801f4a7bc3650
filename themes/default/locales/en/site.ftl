## What readers see: the site, the text-only edition, the support and supporters'
## pages and the newsletter's pages and mails. Values in { $braces } are filled in.

## Formats
# An amount: $amount is already written the locale's way; $symbol is "€", $code "EUR".
money = { $symbol }{ $amount }
# A moment in the newsroom's zone: "November 29, 2026, 9:00 AM EET".
date-time-zone = { $date }, { $time } { $zone }
list-and = { " " }and{ " " }
list-comma = ,{ " " }

## Every page
skip-to-content = Skip to content
access-notice = Access notice
nav-sections = Sections
nav-archive = Archive
nav-newsletter = Newsletter
nav-support = Support us
nav-mirrors = Mirrors and onion
banner-label = Support our journalism
remind-me-later = Remind me later
close = Close
footer-signup = <a href="/newsletter">{ $name }</a>: the week's stories by e-mail, free.
email-address = E-mail address
your-email = Your e-mail address
subscribe = Subscribe
consent-privacy = I agree to the <a href="{ $url }">privacy policy</a>.
honeypot = Leave this field empty
follow-us = Follow us
text-only-edition = Text-only edition
footer-privacy = No ads, no trackers: this site loads nothing from any other server. Times are shown in { $zone }.

## Articles and lists
preview-notice = Preview: this is how the saved version will look. Readers cannot see it until it is published.
byline-by = By
published = Published
updated = Updated
updated-lower = updated
minutes-read = { $n } min read
text-only-version = Text-only version
corrections = { $n ->
    [one] Correction
   *[other] Corrections
}
correction-of = Correction,
tags = Tags
support-label = Support
read-more = Read more
front-heading = { $site }: latest news
nothing-yet = Nothing has been published yet.
featured = Featured
latest = Latest
latest-news = Latest news
latest-stories = Latest stories
list-kind = { $kind ->
    [section] Section
    [tag] Topic
    [author] Author
   *[archive] All articles
}
page-of = page { $page } of { $pages }
page-of-title = Page { $page } of { $pages }
follow = Follow:
nothing-here-yet = Nothing has been published here yet.
pages = Pages
newer = Newer
older = Older
last-changed = Last changed <time datetime="{ $at }">{ $date }</time>.
error-status = Error { $status }
error-try = Try the <a href="/">front page</a>, a section above, or the <a href="/archive">archive of everything we have published</a>.

## The text-only edition
text-only = text only
full-site = full site
feed = Feed
newsletter-by-email = Newsletter by e-mail
picture = Picture:
show-picture = Show it
kilobytes = { $n } KB

## Mirrors
mirrors-title = Other ways to reach us
mirrors-intro = If { $main } does not open where you are, try these addresses. They show the same site.
mirrors = Mirrors
onion-address = Onion address
in-tor-browser = In Tor Browser:
in-tor-browser-short = in Tor Browser
no-other-addresses = There are no other addresses at the moment.
without-website = Without any website
without-website-text = Our <a href="/feed.xml">full-text feed</a> carries every article; a feed reader keeps delivering it when pages are blocked. Tools can read this list as <a href="/mirrors.json">mirrors.json</a>.

## Privacy policy
privacy-title = Privacy policy
privacy-intro = Version { $version }. Reading { $site } should never put anyone at risk, so we keep as little as we can.
privacy-reading = Reading the site
privacy-reading-text = Pages load nothing from other servers: no advertising, no analytics, no social buttons, no fonts from elsewhere. We set no cookies for readers. Our servers keep no record of which pages you read.
privacy-newsletter = The newsletter
privacy-newsletter-kept = When you sign up for { $name } we keep your e-mail address; when you signed up and confirmed; the version of this policy you agreed to; and the page whose form you used. We keep nothing made from your network address with it.
privacy-newsletter-counting = To stop mass sign-ups, sign-in links and card testing, we count requests per network address for one hour. We count them by a code made from the address with a key that lives only in our server's memory and changes every day, so neither the address nor anything that leads back to it is ever written down, and no two days' codes can be linked.
privacy-newsletter-sending = We send the newsletter { $schedule } and nothing else from that list. Every issue has a link that unsubscribes you with one click. We do not put tracking pixels or tracked links in our mail, so we do not know whether you opened it.
privacy-newsletter-bounces = If a message to your address is refused for good, or you report it as spam, we stop writing to that address.
privacy-supporting = Supporting us
privacy-supporting-text = Payments are handled by the payment service you choose. We keep what we need to thank you, send receipts and let you change or cancel your support, and never sell or share it.
privacy-rights = Your rights
privacy-rights-text = Ask us at any time what we hold about you, to correct it or to delete it. Your newsletter preferences page, linked from every issue, lets you leave the list yourself.

## Supporting us
support-title = Support { $site }
this-month = This month
funding-of-goal = <strong>{ $raised }</strong> of { $goal } ({ $percent }%)
funding-given = <strong>{ $raised }</strong> given this month.
funding-supporters = { $n ->
    [one] { $n } reader gives
   *[other] { $n } readers give
} every month or year ({ $recurring } a month); one-time gifts this month: { $once }.
give = Give
other-ways-to-give = Other ways to give
bank-transfer = Bank transfer
crypto = Crypto-currencies
crypto-qr = QR code of the { $name } address
elsewhere = Elsewhere
your-safety = Your safety
your-safety-text = We keep your e-mail address to send receipts and let you change or stop your gift, and nothing else. Card statements show a neutral name, not ours. If giving to us could put you at risk where you live, choose a method that does not pass through your bank.
how-often = How often
frequency = { $kind ->
    [once] Once
    [monthly] Monthly
   *[annual] Annual
}
frequency-adverb = { $kind ->
    [once] once
    [monthly] monthly
   *[annual] annually
}
amount = Amount
other-amount = Other amount
currency = Currency
continue-to-payment = Continue to payment
payment-methods-note = Card, Apple Pay or Google Pay on the next page. Monthly and annual gifts can be changed or stopped at any time.
other-ways-link = Bank transfer, crypto-currencies and other ways to give
no-card-payments = Card payments are not set up on this site.
see-ways-to-give = See the ways to give.
thank-you = Thank you
thank-you-text = Your support keeps our reporters working. A receipt is on its way to your e-mail address once the payment is confirmed.
back-to-front = Back to the front page
demo-checkout = Demo checkout
demo-checkout-text = This is the demo's stand-in for the payment service: no money moves. A real site sends readers to Stripe here.
receipt-email = E-mail for the receipt
demo-pay = Pay (demo)

## Supporters' pages
your-support = Your support
signed-in-as = Signed in as { $email }.
recurring-gifts = Recurring gifts
since = since
ended = ended
gift-status = { $status ->
    [active] active
    [past_due] payment overdue
    [unpaid] unpaid
    [canceled] stopped
    [incomplete] not yet paid
    [incomplete_expired] never paid
    [trialing] on trial
    [paused] paused
   *[other] { $status }
}
new-amount = New amount
change = Change
stop-gift = Stop this gift
none = None.
none-yet = None yet.
payments = Payments
payments-caption = Your payments, newest first
date = Date
kind = Kind
state = State
payment-kind = { $kind ->
    [once] once
   *[recurring] recurring
}
payment-status = { $status ->
    [pending] pending
    [paid] paid
    [failed] failed
    [refunded] refunded
    [disputed] disputed
   *[other] { $status }
}
sign-in = Sign in
sign-out = Sign out
supporter-link-text = Press the button to see and manage your support.
supporter-link-sent = If that address has given to { $site }, a sign-in link is on its way. It works once, for 30 minutes.
supporter-sign-in-text = See what you give, download receipts, or stop a monthly or annual gift. We send a sign-in link to the address you gave with: no password to remember.
send-sign-in-link = Send me a sign-in link

## The newsletter
about-newsletter = About { $name }
about-newsletter-and-issues = About { $name } and past issues
your-subscription = Your subscription
subscription-receives = receives { $name } { $schedule }.
subscription-status = { $status ->
    [unsubscribed] unsubscribed.
    [suppressed] cannot receive mail from us (it bounced, or was reported).
   *[other] waiting for confirmation.
}
unsubscribe = Unsubscribe
subscribe-again = Subscribe again
address-not-on-list = This address is no longer on our list.
signup-intro = The week's stories from { $site }, picked by our editors and sent { $schedule } ({ $zone }). Free, and it reaches you even where this site is blocked.
preview-latest-issue = Preview: read the latest issue
signup-consent = I agree to the <a href="{ $url }">privacy policy</a> and want to receive { $name }.
signup-small-print = We send a confirmation link first; nothing arrives until you open it. We keep your address, when you agreed and to which version of the policy, and nothing about what you read. Every issue has a one-click unsubscribe link.
past-issues = Past issues
issue-number = No. { $number }
read-on-web = Read it on the web
mail-blocked = If { $site } is blocked where you are, read it here:
mail-text-only = The text-only edition is at
mail-paid-by-readers = { $site } is paid for by its readers.
support-our-work = Support our work
mail-why = You receive { $name } because you signed up for it.
manage-subscription = Manage your subscription
# $weekday is the English day in lower case; $time as the locale writes it.
schedule = every { $weekday ->
    [monday] Monday
    [tuesday] Tuesday
    [wednesday] Wednesday
    [thursday] Thursday
    [saturday] Saturday
    [sunday] Sunday
   *[friday] Friday
} at { $time }
meter-sentence = { $raised } of { $goal } this month ({ $percent }%)

## Descriptions for search engines and link previews
privacy-description = What { $site } keeps about its readers, and what it never does.
archive-description = Everything { $site } has published, newest first.
tag-description = Everything we have published about { $tag }.
author-description = Articles by { $name }.
mirrors-description = Mirrors and the onion address of { $site }, for readers where it is blocked.

## Error pages
error-title-not-found = Page not found
error-title-bad-request = That address does not work
error-title-too-long = Address too long
error-title-read-only = Not allowed here
error-title-forbidden = Not allowed
error-title-too-many = Too many attempts
error-title-ours = Something went wrong
error-not-found = We could not find that page. It may have moved, or the address may be mistyped.
error-too-long = That address is far too long for any page of this site.
error-unavailable = We cannot reach our database just now. Please try again in a minute.
error-busy = Very many readers are here at once. Please try again in a few seconds.
error-too-many = You have opened a great many pages in the last minute. Please wait a minute and try again.
error-ours = Something went wrong on our side. Please try again in a minute.
error-read-only = This address can be read, but nothing can be sent to it.
error-not-understood = This address could not be understood. Please check it for typing mistakes.
form-expired = This form has expired. Reload the page and try again.

## Newsletter sign-up and links
signup-email-refused = Enter your e-mail address, like name@example.org.
signup-consent-refused = Tick the box to agree to the privacy policy: we can only send the newsletter with your consent.
signup-too-many = Too many sign-ups came from your connection in the last hour. Please try again later.
mail-confirm-subject = Confirm your subscription to { $name }
mail-confirm-body =
    Someone, we hope you, asked to receive { $name } from { $site } at this address.

    To confirm, open this link within 7 days:
    { $link }

    If it was not you, ignore this message: without your confirmation we will not write again.
check-inbox = Check your inbox
check-inbox-text = If the address can receive the newsletter, a message with a confirmation link is on its way. Open it to start your subscription. Nothing arrives? Look in the spam folder, or sign up again in a few minutes.
confirm-subscription = Confirm your subscription
confirm-subscription-text = One more step: press the button to start receiving the newsletter.
confirm-subscription-button = Confirm my subscription
welcome = Welcome
subscribed-text = You are subscribed. { $name } arrives { $schedule }. Every issue has a link to unsubscribe.
link-expired = This link no longer works
confirm-link-expired-text = The confirmation link has expired or was already used. If you are not subscribed yet, sign up again on the newsletter page.
link-broken = This link is incomplete or was changed. Use the link from the newsletter itself.
unsubscribe-text = Press the button and you will receive no more issues. You can come back at any time.
unsubscribed = You are unsubscribed
unsubscribed-text = You will receive no more issues. Changed your mind? You can subscribe again from your preferences page.
open-preferences = Open my preferences
choose-subscribe = Choose to subscribe or to unsubscribe.
now-subscribed = You are subscribed.
now-unsubscribed = You are unsubscribed.
cannot-receive = This address cannot receive the newsletter.

## Giving
checkout-no-cards = Card payments are not set up here; please use one of the other ways below.
checkout-choose-frequency = Choose once, monthly or annual.
checkout-choose-currency = Choose one of the currencies offered.
checkout-minimum = The smallest gift we can take by card is { $amount }.
checkout-too-many = Too many payments were started from your connection in the last hour. Please try again later, or use one of the other ways to give below.
checkout-description = { $kind ->
    [once] One-time support
    [monthly] Monthly support
   *[annual] Annual support
}
checkout-no-answer = The payment service did not answer. Nothing was charged; please try again in a minute.
amount-empty = Enter an amount.
amount-not-an-amount = "{ $text }" is not an amount: write it like 25 or 25.50
amount-no-smaller-unit = { $code } has no smaller unit: give a whole amount.
amount-too-many-decimals = Give at most { $digits } decimals.
amount-not-positive = The amount must be more than zero.
amount-whole-only = { $code } amounts are whole numbers: give no decimals.
amount-ends-in-zero = { $code } amounts end in 0: give at most { $digits } decimals.
amount-too-large = That is more than we can take in one gift; please contact us.

## Supporters
supporter-email-refused = Enter the e-mail address you gave with, like name@example.org.
supporter-too-many = Too many sign-in links were asked for from your connection; try again in an hour.
mail-supporter-link-subject = Your sign-in link for { $site }
mail-supporter-link-body =
    Open this link within { $minutes } minutes to see and manage your support:
    { $link }

    If you did not ask for it, ignore this message.
supporter-link-expired = This sign-in link has expired or was used already. Ask for a new one on the supporters' page.
supporter-no-payments = Payments are not set up here any more; please write to us.
supporter-provider-failed = The payment service did not answer; nothing changed. Please try again in a minute.
supporter-unknown-currency = This gift's currency is unknown; please write to us.
supporter-amount-changed = From the next payment on, you give { $amount }. Thank you.
supporter-gift-stopped = Your recurring gift is stopped. Thank you for your support.
supporter-gift-stops = Your recurring gift stops at the end of the period already paid. Thank you for your support.
mail-receipt-subject = Your receipt from { $site }
mail-receipt-body =
    Thank you. This is the receipt for your { $kind ->
        [recurring] recurring gift
       *[once] gift
    } of { $amount } to { $site } on { $date }.

    Payment reference: { $payment }

    See your giving or stop a recurring gift: { $link }
feed-ways-around = If { $main } does not open where you are: { $addresses }.

## What a new site says until the newsroom writes its own (in the settings)
default-tagline = Independent journalism, funded by its readers
default-banner-text = We run without ads or owners. Readers like you keep this newsroom going.
default-banner-button = Support us
default-notice-link = How to keep reading us
default-newsletter-name = The Weekly
language-name = English

## Languages
nav-languages = Languages
default-notice-text = This site may be blocked where you live. Our mirrors and full-text feeds keep working.

## Search
nav-search = Search
search-title = Search
search-title-for = “{ $query }”: search
search-label = Search the site
search-button = Search
search-filters = Narrow and order
search-section = Section
search-author = Author
search-tag = Tag
search-language = Language
search-any = Any
search-from = From
search-to = To
search-order = Order
search-order-relevance = Best match first
search-order-newest = Newest first
search-count = { $n ->
    [0] Nothing found.
    [one] One article found.
   *[other] { $shown } articles found.
}
search-partial = The search index is being built: for now only headlines are searched.
search-did-you-mean = Did you mean
search-typo = found allowing for a typo
search-previous = Previous
search-next = Next
search-too-long = Please shorten the search to { $limit } characters or fewer.
search-dates-reversed = The “to” date comes before the “from” date.
search-bad-date = Dates are written as year-month-day, for example 2026-11-30.
search-bad-order = Results can be ordered by best match or by newest.
search-bad-filter = That filter is not one this site has.
search-bad-page = That page of results does not exist.
search-too-many = Too many searches from your network in a short time. Please wait a few seconds and try again.
search-unavailable = Search is not available just now. Please try again in a minute.
search-busy = Very many readers are searching at this moment. Please try again in a few seconds.
