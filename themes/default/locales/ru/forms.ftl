## Что говорят формы и отказы: программа называет сообщение, тема подбирает слова.

## Действия, продолжающие «Ваша роль не позволяет …»
action-add-finished-articles = добавлять готовые статьи
action-add-tags = добавлять теги
action-arrange-the-front-page = собирать главную страницу
action-change-the-sites-sections = менять разделы сайта
action-change-the-sites-sections-and-tags = менять разделы и теги сайта
action-change-the-sites-settings = менять настройки сайта
action-change-the-sites-tags = менять теги сайта
action-compose-or-send-the-newsletter = составлять или отправлять рассылку
action-edit-author-profiles = править профили авторов
action-edit-this-article = править эту статью
action-export-subscribers = выгружать подписчиков
action-export-the-newsrooms-revenue = выгружать доходы редакции
action-import-subscribers = импортировать подписчиков
action-invite-colleagues = приглашать коллег
action-make-accounts-directly = создавать учётные записи напрямую; пригласите человека
action-manage-staff-accounts = управлять учётными записями сотрудников
action-manage-the-staff = управлять сотрудниками
action-manage-webhooks = управлять вебхуками
action-prepare-the-newsletter = готовить рассылку
action-publish-withdraw-or-correct-this-article = публиковать, снимать или исправлять эту статью
action-read-the-audit-log = читать журнал действий
action-see-or-change-the-list-of-subscribers = видеть или менять список подписчиков
action-see-the-background-work = видеть фоновые задачи
action-see-the-newsrooms-revenue = видеть доходы редакции
action-send-newsletter-issues = отправлять выпуски рассылки
action-set-other-peoples-passwords = задавать пароли другим
action-suppress-addresses = блокировать адреса
action-write-the-sites-standing-pages = писать постоянные страницы сайта
who-staff = сотрудников
who-editors = редакторов и администраторов
who-admins = администраторов
error-forbidden = Ваша роль не позволяет { $what }.
error-role-only = Ваша роль этого не позволяет: это для { $who }.

## Вход
admin-sign-in-expired = Срок действия формы входа истёк. Попробуйте ещё раз.
admin-sign-in-locked = Слишком много неудачных попыток входа в эту учётную запись. Подождите { $minutes } минут или, если у вас двухфакторный вход, введите вместе с паролем код из приложения.
admin-sign-in-throttled = Слишком много неудачных попыток входа. Подождите { $minutes } минут и попробуйте снова.
admin-sign-in-disk-full = Войти сейчас нельзя: на диске сервера нет места, и вход не может быть записан. Сайт по-прежнему открывается у читателей; сообщите администратору сервера.
admin-sign-in-unrecorded = Вход не удалось записать: база данных сейчас не может сохранять изменения. Попробуйте ещё раз через минуту.
admin-sign-in-mismatch = Адрес почты и пароль не подходят друг к другу.
admin-sign-in-mismatch-code = Адрес почты, пароль и код не подходят друг к другу.
admin-challenge-expired = Срок действия формы истёк. Войдите снова.
admin-codes-throttled = Слишком много неверных кодов. Подождите { $minutes } минут и попробуйте снова.
admin-code-wrong = Код неверный. Введите текущий код из приложения или код восстановления.
admin-two-factor-required = Редакция требует двухфакторный вход, поэтому выключить его нельзя.
admin-reset-too-many = С вашего подключения запросили слишком много ссылок для сброса; попробуйте через час.
error-code-mismatch = Код не подходит. Проверьте время на телефоне и введите текущий код.
error-code-to-disable = Чтобы выключить двухфакторный вход, введите текущий код из приложения.
error-sign-in-email = Укажите адрес почты, с которым вы входите.
error-password-short = Не меньше { $min } символов; несколько слов — хороший пароль.
error-password-long = Не больше { $max } символов.
error-passwords-differ = Пароли не совпадают.
mail-reset-subject = Новый пароль для редакции «{ $site }»
mail-reset-body =
    Здравствуйте, { $name }!

    Кто-то (надеемся, вы) попросил сбросить ваш пароль в редакции «{ $site }». Выберите новый здесь; ссылка работает один раз в течение { $hours } ч.:
    { $link }

    Если это были не вы, не обращайте внимания на письмо: пароль останется прежним.
mail-invite-subject = Приглашение в редакцию «{ $site }»
mail-invite-body =
    Здравствуйте, { $name }!

    { $inviter } приглашает вас в редакцию «{ $site }» с ролью «{ $role }».

    Выберите пароль здесь (ссылка работает один раз, { $days } дней):
    { $link }

    Если вы не ждали этого письма, не обращайте на него внимания.

## Сотрудники
error-email = Укажите адрес почты, например name@example.org.
error-email-staff = Этот адрес уже есть у одного из сотрудников.
error-byline-name = Укажите имя для подписи к статьям (до { $max } символов).
error-role = Выберите роль.
error-name-letters = В имени должны быть буквы или цифры.
error-account-exists = Учётная запись для { $email } уже существует.
error-account-exists-sign-in = Учётная запись для этого адреса уже существует; просто войдите.
error-change-yourself = Здесь нельзя менять свою роль или учётную запись, чтобы редакция никогда не осталась без администратора.
error-language = «{ $tag }» — не код языка вроде en или ru.
error-language-untranslated = Редакция не переведена на { $tag }; выберите один из языков: { $offered }.

## Статьи и страницы
error-keep-under = Не больше { $max } символов.
error-headline-missing = У каждой статьи должен быть заголовок.
error-body-too-long = Текст длиннее { $max } символов; разделите его на несколько статей.
error-slug =
    { $why ->
        [empty] Такой адрес не подойдёт: он не может быть пустым (например, «{ $example }»).
        [too-long] Такой адрес не подойдёт: не больше { $max } символов (например, «{ $example }»).
       *[invalid] Такой адрес не подойдёт: только строчные латинские буквы a-z, цифры и одиночные дефисы между ними (например, «{ $example }»).
    }
error-section-missing = Выберите раздел.
error-authors-missing = Укажите хотя бы одного автора.
error-too-many-tags = Не больше { $max } тегов.
error-bad-tag = В теге «{ $tag }» должны быть буквы или цифры, не больше 60 символов.
error-hero-image = Выберите изображение из медиатеки или никакое.
error-alt-missing = Опишите фото для читателей, которые его не видят.
error-image-gone = Этого изображения больше нет в медиатеке; выберите другое.
error-slug-taken-article = Адрес { $slug } уже занят другой статьёй.
error-slug-taken-article-edit = Этот адрес уже занят другой статьёй. Выберите другой.
error-slug-taken-page = Этот адрес уже занят другой страницей. Выберите другой.
error-slug-taken-section = Этот адрес уже занят другим разделом. Выберите другой.
error-slug-taken-tag = Этот адрес уже занят другим тегом. Чтобы соединить их, объедините теги.
error-slug-taken-author = Этот адрес уже занят другим автором. Выберите другой.
error-publish-time = Укажите время публикации: дату и время.
error-publish-past = Это время уже прошло. Выберите время в будущем или опубликуйте сейчас.
error-update-unpublished = Отметить обновлённой можно только опубликованную статью.
error-correction = Напишите исправление (до { $max } символов).
error-pin-past = Это время уже прошло. Выберите более позднее или оставьте поле пустым.
error-pin-end = Укажите окончание: дату и время.
error-front-slot = Выберите: главная, избранное или ни то ни другое.
error-restore-slug-taken = Адрес этой версии уже занят другой статьёй; сначала измените его.
error-preview-expired = Срок действия страницы истёк. Обновите её, чтобы продолжить предпросмотр.
error-not-utf8 = Текст не в кодировке UTF-8.
error-unknown-action = Неизвестное действие; воспользуйтесь кнопками на странице.
error-choose-from-list = Выберите из списка.
error-article-state = Выберите: черновик, запланировано или опубликовано.
error-page-number = Номер страницы — целое число от 1 до { $max }.
error-page-title = Дайте странице заголовок (до { $max } символов).
error-placement = Выберите меню, подвал или ничего.
error-position = Укажите место целым числом, например 1.

## Разделы, теги, авторы
error-name-missing =
    { $what ->
        [section] Дайте разделу название.
       *[tag] Дайте тегу название.
    }
error-section-gone = Этого раздела больше нет; выберите другой.
error-move-into-itself = Выберите другой раздел, куда перенести статьи.
error-move-to-list = Выберите из списка раздел, куда перенести статьи.
error-section-not-empty =
    { $n ->
        [one] В разделе ещё { $n } статья. Выберите раздел, куда её перенести.
        [few] В разделе ещё { $n } статьи. Выберите раздел, куда их перенести.
       *[other] В разделе ещё { $n } статей. Выберите раздел, куда их перенести.
    }
error-tag-gone = Этого тега больше нет; выберите другой.
error-merge-into-itself = Выберите другой тег, с которым объединить этот.
error-merge-into-list = Выберите из списка тег, с которым объединить.
error-photo = Выберите фото из медиатеки или никакое.
error-account = Выберите учётную запись сотрудника или никакую.
error-account-gone = Такой учётной записи нет.
error-link-form = Пишите каждую ссылку как «Название | https://…»: «{ $line }».
error-link-address = У каждой ссылки должно быть название и адрес, начинающийся с https://: «{ $line }».
error-too-many-links = Не больше { $max } ссылок.

## Настройки
error-site-name = Назовите сайт (до { $max } символов).
error-menu-link = «{ $line }» должно выглядеть как `О нас | /about` или `Зеркала | https://…` (название до 40 символов).
error-too-many-menu-links = Не больше { $max } ссылок в меню.
error-onion = Onion-адрес выглядит так: http://(56 букв и цифр).onion
error-mirror = «{ $line }» — не адрес https://.
error-banner-incomplete = У показываемого баннера должны быть текст и надпись на кнопке.
error-notice-incomplete = У показываемого уведомления должен быть текст.
error-link-target = Ссылайтесь на страницу этого сайта ({ $example }) или на адрес https://.
error-newsletter-name = Назовите рассылку (до { $max } символов).
error-weekday = Выберите день недели.
error-time-of-day = Укажите время в часах и минутах, например 09:00.
error-policy-version = Укажите версию политики конфиденциальности, например 2026-03 (до { $max } символов).

## Рассылка и подписчики
error-subject-missing = Укажите тему выпуска.
error-subject-lines = Тема должна быть в одну строку.
error-article-number = «{ $text }» — не номер статьи.
error-too-many-articles = Не больше { $max } статей.
error-story-position = «{ $text }» — не место: 1 — первый материал, 2 — второй…
error-issue-sending = Этот выпуск уже отправляется; изменить его нельзя.
error-no-newsletter-mail = Для рассылки не настроен почтовый сервер ([newsletter] или [mail] smtp_url), поэтому отправить ничего нельзя.
error-test-refused = Почтовый сервер не принял тестовое письмо: { $why }
admin-test-subject = [Тест] { $subject }
admin-upload-failed = Загрузка не удалась: { $why }. Принимаются файлы до { $mb } МБ.
admin-choose-csv = Выберите файл CSV для импорта.
admin-nothing-imported =
    Ничего не импортировано. { $problems }{ $more ->
        [0] {""}
       *[other] { " " }…и ещё проблем: { $more }.
    }
admin-suppress-email = Введите адрес почты, который нужно заблокировать.

## Медиа
admin-choose-image = Выберите файл изображения для загрузки.
admin-file-too-large = Файл больше { $mb } МБ.
admin-upload-interrupted = Загрузка прервалась или файл повреждён; попробуйте ещё раз.
error-image-empty = Файл пустой.
error-image-type = Это не изображение JPEG, PNG, WebP или GIF.
error-image-pixels = Изображение { $width }×{ $height } пикселей; принимается не больше { $max } пикселей по каждой стороне и { $megapixels } мегапикселей всего.
error-image-damaged = Изображение не читается; возможно, оно повреждено ({ $why }).

## Вебхуки
error-webhook-event = Выберите событие из списка.
error-webhook-address = Укажите полный адрес, например https://hooks.example/kolokol.
error-webhook-scheme = Вебхуки принимаются только на адреса http и https.
error-webhook-no-host = В адресе нет имени сервера.
error-webhook-unknown-host = Сервер { $host } не найден.
error-webhook-private = { $host } — частный адрес (этот компьютер или локальная сеть); сначала это должна разрешить конфигурация сервера.

## Языки и переводы
error-language-offered = Выберите один из языков сайта: { $languages }.
error-translation-unknown = По адресу «{ $slug }» ничего нет. Укажите адрес перевода, например election-night.
error-translation-language-taken = Эти тексты на одном языке, или среди переводов уже есть текст на этом языке.

## Импорт подписчиков
import-not-csv = Файл не читается как CSV: { $reason }
import-no-email-column = В первой строке должны быть названия столбцов, среди них «email» (или «Email Address» из Mailchimp).
import-row-unreadable = Строка { $row }: { $reason }
import-row-email = Строка { $row }: «{ $value }» — не адрес электронной почты.
import-row-time = Строка { $row }: { $column } «{ $value }» — не время вида 2026-03-01T09:00:00Z или 2026-03-01 09:00:00.
import-row-language = Строка { $row }: язык «{ $value }» — не языковой тег вида en или ru.
action-manage-integrations = управлять интеграциями
error-integration-name = Назовите интеграцию (не длиннее { $max } символов).
error-integration-taken = Интеграция с таким названием уже есть; выберите другое.
action-delete-articles = удалять статьи
error-article-in-newsletter = Эта статья вышла в выпуске рассылки и остаётся в архиве отправленного; вместо удаления снимите её с сайта.
action-import-content = импортировать архивы с других платформ
error-import-no-file = Выберите файл экспорта для импорта.
error-import-too-large = Файл больше, чем принимает импорт.
error-import-cut-off = Файл пришёл не целиком; попробуйте ещё раз.
error-import-kind = Это не экспорт WordPress (XML) и не экспорт Ghost (JSON).
