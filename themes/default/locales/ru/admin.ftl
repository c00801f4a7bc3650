## Редакция: все страницы и сообщения, которые видят сотрудники.

admin-newsroom = Редакция
admin-nav-label = Редакция
admin-articles = Статьи
admin-new-article = Новая статья
admin-media = Медиа
admin-sections = Разделы
admin-tags = Теги
admin-authors = Авторы
admin-pages = Страницы
admin-newsletter = Рассылка
admin-revenue = Доходы
admin-subscribers = Подписчики
admin-staff = Сотрудники
admin-settings = Настройки
admin-audit = Журнал действий
admin-jobs = Фоновые задачи
admin-webhooks = Вебхуки
admin-two-factor = Двухфакторный вход
admin-view-site = Открыть сайт
admin-sign-out = Выйти
admin-site-newsroom = Редакция «{ $site }»
admin-role =
    { $role ->
        [admin] администратор
        [editor] редактор
       *[reporter] корреспондент
    }
admin-language = Язык редакции
admin-change = Изменить
admin-setting-up = Настройка «{ $site }»
admin-step-state =
    { $done ->
        [yes] готово
       *[no] сделать
    }
admin-find-articles = Поиск статей
admin-headline-contains = Заголовок содержит
admin-state = Состояние
admin-any = Любое
admin-article-state =
    { $state ->
        [draft] черновик
        [scheduled] запланировано
       *[published] опубликовано
    }
admin-section = Раздел
admin-author = Автор
admin-find = Найти
admin-show-all = Показать все
admin-article-count =
    { $n ->
        [one] { $n } статья
        [few] { $n } статьи
       *[other] { $n } статей
    }
admin-found = найдено
admin-articles-caption = Статьи, сначала изменённые недавно
admin-headline = Заголовок
admin-on-the-site = На сайте
admin-last-change = Последнее изменение
admin-view = Открыть
admin-pages-of-list = Страницы списка
admin-newer-changes = Более новые изменения
admin-older-changes = Более старые изменения
admin-no-match = Ни одна статья не подходит.
admin-show-all-articles = Показать все статьи.
admin-no-articles = Статей пока нет.
admin-write-first = Напишите первую.
admin-sign-in-title = Вход в редакцию
admin-password = Пароль
admin-code-or-recovery = Код из приложения-аутентификатора или код восстановления
admin-code-hint = только для учётных записей с двухфакторным входом
admin-forgot-password = Забыли пароль?
admin-edit-title = Правка: { $headline }
admin-edit-article = Правка статьи
admin-for = на
admin-correct-fields =
    { $n ->
        [one] Исправьте { $n } поле ниже.
        [few] Исправьте { $n } поля ниже.
       *[other] Исправьте { $n } полей ниже.
    }
admin-dek = Подзаголовок
admin-dek-hint = строка под заголовком
admin-body = Текст
admin-choose = Выберите…
admin-dateline = Место событий
admin-tags-hint = через запятую
admin-slug = Адрес (slug)
admin-slug-hint = пусто: из заголовка
admin-hero-image = Главное фото
admin-image = Изображение
admin-from-library = из <a href="/admin/media">медиатеки</a>
admin-no-image = Без изображения
admin-chosen-hero = Выбранное главное фото
admin-alt-text = Описание для незрячих (alt)
admin-caption = Подпись
admin-credit = Автор фото
admin-search-social = Поисковики и соцсети
admin-seo-title = Заголовок для поисковиков
admin-seo-description = Описание для поисковиков
admin-save = Сохранить
admin-preview = Предпросмотр
admin-revisions = Версии
admin-live-preview = Живой предпросмотр
admin-publication = Публикация
admin-publish-now = Опубликовать сейчас
admin-withdraw = Снять с сайта
admin-mark-updated = Отметить как обновлённую
admin-publish-at = Опубликовать в ({ $zone })
admin-schedule = Запланировать
admin-correction-note = Добавить примечание об исправлении
admin-add-correction = Добавить исправление
admin-on-front = На главной странице
admin-front-slot =
    { $slot ->
        [lead] закреплена главной
        [featured] закреплена среди избранного
       *[flow] в ленте новых материалов
    }
admin-pin-until = до ({ $zone }; пусто: пока не открепят)
admin-name = Название
admin-address = Адрес
admin-section-slug-hint = Часть после /sections/. Оставьте пустым, чтобы сделать из названия.
admin-menu-place = Место в меню
admin-smaller-first = Меньшие числа идут первыми.
admin-description = Описание
admin-show-in-menu = Показывать в меню сайта
admin-byline-name = Имя, как в подписи к статьям
admin-author-slug-hint = Часть после /authors/. Оставьте пустым, чтобы сделать из имени.
admin-author-title = Должность
admin-author-title-example = Судебный репортёр
admin-biography = Биография
admin-photo = Фото
admin-none = Нет
admin-staff-account = Учётная запись сотрудника
admin-guest-option = Нет: гость, который не входит в редакцию
admin-account-hint = Его новые статьи подписываются этим профилем.
admin-links = Ссылки
admin-links-hint = по одной в строке: Название | https://…
admin-author-page-title = Автор: { $name }
admin-all-authors = Все авторы
admin-on-site-at = На сайте:
admin-correct-below = Исправьте поля ниже.
admin-save-profile = Сохранить профиль
admin-authors-caption = Профили авторов по имени
admin-guest = гость
admin-new-profile = Новый профиль
admin-new-profile-text = Для приглашённого колумниста или любого, кого подписывают без входа в редакцию; у сотрудников профиль появляется вместе с учётной записью.
admin-create-profile = Создать профиль
admin-sections-caption = Разделы в порядке меню
admin-place = Место
admin-in-menu = В меню
admin-yes-no =
    { $answer ->
        [yes] да
       *[no] нет
    }
admin-no-sections = На сайте пока нет разделов. Каждая статья относится к одному из них, поэтому создайте первый здесь: например, «Новости», «Расследования» или «Мнения».
admin-new-section = Новый раздел
admin-create-section = Создать раздел
admin-section-page-title = Раздел: { $name }
admin-all-sections = Все разделы
admin-new-address-hint = Старый адрес продолжит работать: читателей и поисковики перенаправят на новый.
admin-save-section = Сохранить раздел
admin-delete-section-title = Удалить этот раздел
admin-move-articles-to = Перенести его статьи в
admin-choose-section = Выберите раздел
admin-move-hint = Его адрес будет вести в тот раздел.
admin-delete-section = Удалить раздел
admin-tags-caption = Теги по названию
admin-no-tags = Тегов пока нет. Они появляются при сохранении статей: впишите их в поле «Теги» в редакторе.
admin-tag-page-title = Тег: { $name }
admin-all-tags = Все теги
admin-rename = Переименовать
admin-save-tag = Сохранить тег
admin-merge-title = Объединить с другим тегом
admin-tag-to-keep = Какой тег оставить
admin-merge-hint = Его статьи получат оставшийся тег; адрес этого тега будет вести туда.
admin-merge = Объединить
admin-delete = Удалить
admin-delete-tag-text = Тег снимается со статей; сами статьи остаются.
admin-delete-tag = Удалить тег
admin-new-page = Новая страница
admin-pages-intro = Постоянные страницы — «О нас», контакты, правила исправлений или конфиденциальность: вне новостей, не в лентах, со ссылкой из меню или подвала.
admin-standing-pages = Постоянные страницы
admin-title = Заголовок
admin-linked-from = Ссылка из
admin-placement =
    { $place ->
        [menu] меню
        [footer] подвала
       *[none] ниоткуда
    }
admin-no-pages = Страниц пока нет. <a href="/admin/pages/new">Напишите первую</a>, например «О нас».
admin-edit-page-title = Правка страницы: { $title }
admin-edit-page = Правка страницы
admin-text = Текст
admin-page-slug-hint = после /pages/; пусто: из заголовка
admin-link-from = Ссылка на неё из
admin-link-place = Место среди этих ссылок
admin-view-on-site = Открыть на сайте
admin-publish = Опубликовать
admin-revisions-title = Версии: { $title }
admin-revisions-of = Версии «{ $title }»
admin-back-to-editor = Назад в редактор
admin-revisions-caption = Версии, сначала новые
admin-saved = Сохранено
admin-by = Кем
admin-newest-changes = Изменения в последней версии
admin-first-revision = Первая версия
admin-actions = Действия
admin-compare = Сравнить с предыдущей
admin-restore = Восстановить
admin-revision-changes = Изменения в этой версии
admin-audit-caption = Кто что сделал, сначала новое
admin-when = Когда
admin-who = Кто
admin-what = Что
admin-subject = Объект
admin-detail = Подробности
admin-jobs-intro = Отправка рассылки и другая работа, которую сервер делает сам, сначала новое. Неудачная попытка повторяется позже (через 30 секунд, затем через 2, 8 и 32 минуты). Проверка сроков, которая публикует запланированные статьи и запускает выпуски рассылки в назначенное время, идёт каждые 15 секунд: в её строке видно, когда она закончилась в последний раз и когда пойдёт снова.
admin-jobs-caption = Задачи, сначала новые
admin-work = Работа
admin-for-what = Для чего
admin-attempts = Попытки
admin-due = Срок
admin-ended = Завершено
admin-last-error = Последняя ошибка
admin-job-state =
    { $state ->
        [queued] в очереди
        [running] выполняется
        [done] готово
        [failed] не удалось
       *[other] { $state }
    }
admin-of = { $done } из { $total }
admin-nothing-yet = Пока ничего.
admin-new-issue = Новый выпуск
admin-newsletter-sent =
    Отправляется { $schedule } ({ $zone }) — <strong>{ $n }</strong> { $n ->
        [one] активному подписчику
       *[other] активным подписчикам
    }
admin-waiting-to-confirm = { $n } ждут подтверждения
admin-no-mail-server = Для рассылки не настроен почтовый сервер: выпуски можно писать и просматривать, но не отправлять. Укажите <code>[newsletter] smtp_url</code> (или <code>[mail] smtp_url</code>) в конфигурации.
admin-issues-caption = Выпуски, сначала новые
admin-stories = Материалы
admin-delivery = Доставка
admin-issue-state =
    { $state ->
        [draft] черновик
        [scheduled] запланирован
        [sending] отправляется
        [sent] отправлен
       *[other] { $state }
    }
admin-sent-count = отправлено: { $n }
admin-failed-count = не доставлено: { $n }
admin-to-go-count = осталось: { $n }
admin-no-issues = Выпусков пока нет. Начните с кнопки «Новый выпуск».
admin-issue = Выпуск рассылки
admin-new-newsletter-issue = Новый выпуск рассылки
admin-progress = Отправлено: <span class="progress-sent">{ $sent }</span>, не доставлено: <span class="progress-failed">{ $failed }</span>, осталось: <span class="progress-pending">{ $pending }</span>.
admin-see-as-mailed = Посмотреть, как в письме
admin-in-public-archive = В публичном архиве
admin-subject-line = Тема письма
admin-introduction = Вступление
admin-introduction-hint = Markdown; несколько строк от редакции
admin-full-text = Включить статьи целиком
admin-full-text-hint = для читателей, которым недоступны ни сайт, ни зеркала
admin-stories-hint = поставьте каждому выбранному материалу его место: 1 — первый, 2 — второй…; остальные оставьте пустыми
admin-candidates-caption = Опубликованные статьи на выбор
admin-place-of = Место «{ $headline }»
admin-check-and-send = Проверка и отправка
admin-preview-as-mailed = Предпросмотр письма
admin-send-test = Отправить тестовое письмо на { $email }
admin-unschedule = Отменить отправку по расписанию
admin-schedule-for = Запланировать на
admin-send-now = Отправить всем подписчикам сейчас
admin-scheduled-hint = Запланированные выпуски уходят сами { $schedule } по времени редакции. Сохранение после планирования не сбивает расписание.
admin-media-library = Медиатека
admin-upload-image = Загрузить изображение
admin-upload-hint = JPEG, PNG, WebP или GIF, до { $mb } МБ; уменьшается для телефонов и экранов, оригинал сохраняется
admin-upload = Загрузить
admin-renditions =
    { $n ->
        [one] { $n } версия
        [few] { $n } версии
       *[other] { $n } версий
    }
admin-original = Оригинал ({ $mime })
admin-library-empty = Медиатека пуста.
admin-no-provider = Платёжный сервис не настроен ([revenue] provider): пожертвования картой выключены; другие способы поддержки по-прежнему видны на странице поддержки.
admin-raised-of-goal = <strong>{ $raised }</strong> из { $goal } в этом месяце ({ $percent }%)
admin-mrr = регулярного дохода в месяц
admin-recurring-supporters =
    <strong>{ $n }</strong> { $n ->
        [one] регулярный сторонник
        [few] регулярных сторонника
       *[other] регулярных сторонников
    }
admin-once-this-month = разовых пожертвований в этом месяце
admin-last-twelve-months = Последние двенадцать месяцев
admin-currency-hint = { $currency }; другие валюты — в CSV
admin-growth-caption = Регулярный доход, разовые пожертвования и сторонники по месяцам
admin-month = Месяц
admin-mrr-column = Регулярный доход в месяц
admin-one-time-gifts = Разовые пожертвования
admin-new-recurring = Новые регулярные
admin-download-payments = Скачать все платежи в CSV
admin-events-unread = Непрочитанные события
admin-events-unread-text =
    Stripe прислал подписанные события ({ $n }), которые эта версия Kolokol не смогла прочитать. Ничего не потеряно: каждое хранится в том виде, в каком пришло. После обновления Kolokol запустите <code>kolokol revenue replay</code>, чтобы применить их.
admin-received = Получено
admin-event = Событие
admin-type = Тип
admin-api-version = Версия API
admin-why = Причина
admin-stripe-version = Запросы к Stripe указывают версию API { $version }; создайте конечную точку вебхука с той же версией. События старых версий тоже читаются.
admin-correct-fields-unsaved =
    { $n ->
        [one] Исправьте { $n } поле ниже; ничего не сохранено.
        [few] Исправьте { $n } поля ниже; ничего не сохранено.
       *[other] Исправьте { $n } полей ниже; ничего не сохранено.
    }
admin-the-site = Сайт
admin-tagline = Подзаголовок сайта
admin-main-language = Основной язык
admin-main-language-hint = код, например en или ru
admin-other-languages = Другие языки статей
admin-other-languages-hint = коды через запятую
admin-menu-links = Ссылки в меню после разделов
admin-menu-links-hint = по одной в строке: <code>О нас | /about</code>
admin-reaching-readers = Как достучаться до читателей, если сайт заблокирован
admin-onion-hint = передаётся в Tor Browser как <code>Onion-Location</code>
admin-mirrors-hint = по одному адресу https:// в строке; перечислены на /mirrors и в mirrors.json
admin-security = Безопасность
admin-require-two-factor = Требовать двухфакторный вход от всех сотрудников
admin-require-two-factor-hint = тех, у кого его нет, сначала попросят его настроить
admin-support-banner = Баннер поддержки
admin-show-banner = Показывать баннер на каждой странице
admin-button = Кнопка
admin-link = Ссылка
admin-notice-title = Уведомление для читателей из страны, где сайт заблокирован
admin-show-notice = Показывать уведомление над шапкой
admin-link-text = Текст ссылки
admin-sent-every = Отправлять каждый
admin-weekday =
    { $day ->
        [monday] понедельник
        [tuesday] вторник
        [wednesday] среду
        [thursday] четверг
        [saturday] субботу
        [sunday] воскресенье
       *[friday] пятницу
    }
admin-at = В
admin-newsroom-time = по времени редакции, { $zone }
admin-policy-version = Версия политики
admin-policy-version-hint = меняйте при изменении политики; каждое согласие её записывает
admin-save-settings = Сохранить настройки
admin-invitation-sent = Приглашение отправлено на { $email }.
admin-invitation-created =
    { $mail ->
        [yes] Приглашение для { $email } создано, но письмо отправить не удалось. Отправьте эту ссылку сами:
       *[no] Приглашение для { $email } создано. Отправьте эту ссылку сами:
    }
admin-link-seven-days = Ссылка работает один раз в течение семи дней.
admin-staff-accounts = Учётные записи сотрудников
admin-email = Почта
admin-role-heading = Роль
admin-account = Учётная запись
admin-you = вы
admin-role-of = Роль: { $name }
admin-the-role-of = роль: { $name }
admin-on-off =
    { $on ->
        [yes] вкл.
       *[no] выкл.
    }
admin-disabled = отключена
admin-enable-disable =
    { $disabled ->
        [yes] Включить снова
       *[no] Отключить
    }
admin-invite-someone = Пригласить
admin-invite = Пригласить
admin-subscriber-status =
    { $status ->
        [active] активны
        [pending] ждут подтверждения
        [unsubscribed] отписались
       *[suppressed] заблокированы
    }
admin-growth-weeks = Рост за 12 недель
admin-growth-weeks-caption = Подтверждённые подписки и отписки по неделям
admin-week-from = Неделя с
admin-joined = Пришли
admin-left = Ушли
admin-import-export = Импорт и экспорт
admin-download-subscribers = Скачать всех подписчиков в CSV
admin-with-consent = с записями о согласии
admin-csv-file = Файл CSV
admin-csv-file-hint = строка заголовков с <code>email</code>; по желанию <code>signed_up_at</code>, <code>confirmed_at</code>, <code>policy_version</code>, <code>form</code>, <code>status</code>
admin-import = Импортировать
admin-import-hint = Импортируйте только тех, кто согласился получать рассылку где-то ещё; они добавляются как подтверждённые. Адреса, которые уже есть в списке, включая заблокированные, остаются как есть.
admin-suppress-title = Заблокировать адрес
admin-reason = Причина
admin-reason-example = жалоба, сообщение о недоставке…
admin-suppress = Заблокировать
admin-latest-100 = Последние 100
admin-latest-subscribers = Последние подписчики
admin-signed-up = Подписка
admin-confirmed = Подтверждение
admin-form = Форма
admin-note = Примечание
admin-nobody-subscribed = Пока никто не подписался.
admin-two-factor-title = Двухфакторный вход
admin-two-factor-on = Двухфакторный вход включён.
admin-recovery-codes = Ваши коды восстановления
admin-recovery-codes-text = Каждый код позволяет один раз войти без телефона. Храните их в надёжном месте, отдельно от телефона. Они показываются только сейчас.
admin-continue = Перейти в редакцию
admin-two-factor-on-account = Для вашей учётной записи двухфакторный вход включён.
admin-turn-off-code = Чтобы выключить его, введите текущий код из приложения
admin-turn-off = Выключить двухфакторный вход
admin-required-for-all = Редакция требует его от всех сотрудников.
admin-required-set-up = Редакция требует двухфакторный вход. Настройте его, чтобы продолжить.
admin-two-factor-why = С двухфакторным входом тот, кто узнал ваш пароль, всё равно не сможет войти без вашего телефона.
admin-two-factor-step-1 = Установите на телефон приложение-аутентификатор (любое, которое поддерживает коды TOTP).
admin-two-factor-step-2 = Отсканируйте им этот код или введите секрет ниже.
admin-two-factor-step-3 = Введите шестизначный код, который показывает приложение.
admin-qr-alt = QR-код для приложения-аутентификатора; тот же секрет написан ниже
admin-secret = Секрет:
admin-code-from-app = Код из приложения
admin-turn-on = Включить двухфакторный вход
admin-enter-code = Введите код
admin-enter-code-text = Откройте приложение-аутентификатор на телефоне и введите шестизначный код для { $email }. Потеряли телефон? Введите один из кодов восстановления.
admin-code = Код
admin-reset-sent = Если есть учётная запись с адресом { $email }, мы отправили на него ссылку для выбора нового пароля. Ссылка работает один раз в течение { $hours } ч.
admin-back-to-sign-in = Назад ко входу
admin-no-mail-reset = Этот сайт пока не умеет отправлять почту. Попросите того, кто обслуживает сервер, задать вам пароль командой <code>kolokol user reset-password</code>.
admin-forgot-text = Укажите адрес, с которым вы входите, и мы пришлём ссылку для выбора нового пароля.
admin-send-link = Прислать ссылку
admin-choose-password = Выберите новый пароль
admin-reset-for = Для { $person }. Все ваши открытые сеансы будут закрыты.
admin-new-password = Новый пароль
admin-password-hint = не меньше 12 символов
admin-password-again = Тот же пароль ещё раз
admin-save-password = Сохранить новый пароль
admin-link-does-not-work = Эта ссылка не работает
admin-reset-expired = Она уже использована или устарела. <a href="/admin/password/forgot">Запросите новую.</a>
admin-join-newsroom = Присоединиться к редакции
admin-join = Присоединиться к «{ $site }»
admin-invited-as = Вас приглашают с ролью «{ $role }» и адресом { $email }. Выберите пароль.
admin-your-byline-name = Ваше имя, как в подписи к статьям
admin-join-button = Присоединиться
admin-invitation-does-not-work = Это приглашение не работает
admin-invitation-expired = Оно уже использовано или прошло больше семи дней. Попросите того, кто вас пригласил, прислать новое.
admin-webhooks-intro = Сообщайте другой системе о том, что здесь происходит: Kolokol отправляет событие на адрес с подписью, как у вебхуков Ghost (<code>X-Ghost-Signature</code>), и повторяет попытку позже, если ответ неуспешный. Ответ 410 удаляет вебхук.
admin-webhook-added = Вебхук добавлен. Его секрет, которым подписывается каждая доставка, показывается только сейчас:
admin-registered = Зарегистрированные
admin-registered-webhooks = Зарегистрированные вебхуки
admin-since = С
admin-remove = Удалить
admin-add-webhook = Добавить вебхук
admin-latest-deliveries = Последние доставки
admin-latest-deliveries-caption = Последние доставки, сначала новые
admin-answer = Ответ
admin-nothing-delivered = Пока ничего не доставлено.

## Что страница говорит после изменения (admin-done-<страница>-<что>)
admin-done-article-saved = Сохранено.
admin-done-article-published = Опубликовано.
admin-done-article-scheduled = Запланировано.
admin-done-article-unpublished = Снято с сайта.
admin-done-article-updated = Отмечено как обновлённое.
admin-done-article-corrected = Исправление добавлено.
admin-done-article-restored = Версия восстановлена.
admin-done-article-pinned = Закреплено на главной странице.
admin-done-article-unpinned = Снова в ленте новых материалов на главной.
admin-done-login-joined = Добро пожаловать в редакцию. Войдите с новым паролем.
admin-done-login-reset = Пароль изменён. Войдите с новым.
admin-done-author-created = Профиль создан.
admin-done-author-saved = Профиль сохранён.
admin-done-section-created = Раздел создан.
admin-done-section-saved = Раздел сохранён.
admin-done-section-deleted = Раздел удалён.
admin-done-tag-renamed = Тег сохранён.
admin-done-tag-merged = Теги объединены.
admin-done-tag-tag-deleted = Тег удалён.
admin-done-page-saved = Сохранено.
admin-done-page-published = Опубликовано.
admin-done-page-withdrawn = Снято с сайта.
admin-done-issue-saved = Сохранено. Посмотрите, отправьте себе тестовое письмо, затем отправьте или запланируйте выпуск.
admin-done-issue-tested = Тестовое письмо уже идёт на ваш адрес.
admin-done-issue-scheduled = Запланировано. Выпуск уйдёт сам в указанное время.
admin-done-issue-unscheduled = Снова черновик: выпуск не уйдёт, пока вы его не отправите или не запланируете.
admin-done-issue-sending = Отправка началась. На этой странице виден ход доставки.
admin-done-subscribers-suppressed = Адрес заблокирован: писем на него больше не будет.
admin-done-settings-saved = Настройки сохранены. Сайт уже показывает их.
admin-imported = Импортировано подписчиков: { $added } (из них { $left } ранее отписались или были заблокированы и писем не получат); уже были в списке и остались без изменений: { $skipped }.
admin-uploaded = Загружено как изображение №{ $id }. Выберите его главным фото статьи в редакторе.

## Настройка нового сайта
admin-setup-name = Назовите сайт
admin-setup-now = Сейчас: { $what }
admin-setup-language = Язык и часовой пояс
admin-setup-language-now = Сейчас: { $language }, { $zone }; расписания и даты следуют поясу
admin-setup-sections = Создайте первые разделы
admin-setup-sections-now =
    { $n ->
        [0] Каждая статья относится к разделу; разделов пока нет
       *[other] Пока разделов: { $n }
    }
admin-setup-goal = Цель на месяц и валюта
admin-setup-goal-now = { $goal } в месяц
admin-setup-goal-unset = Не задано: читатели не видят цели. Укажите revenue.monthly_goal и revenue.currency в файле конфигурации
admin-setup-mail = Исходящая почта
admin-setup-mail-done = Настроена
admin-setup-mail-unset = Не настроена: приглашения и рассылку нельзя отправить. Укажите mail.smtp_url в файле конфигурации
admin-setup-invite = Пригласите коллег
admin-setup-accounts =
    { $n ->
        [one] { $n } учётная запись
        [few] { $n } учётные записи
       *[other] { $n } учётных записей
    }
admin-autosaved = Черновик сохранён автоматически в
admin-autosave-failed = Не сохранено автоматически: проверьте поля и сохраните.
admin-autosave-offline = Нет связи: изменения пока не сохранены.
admin-job-due = Проверка сроков (запланированные статьи и выпуски)
admin-job-send = Отправка рассылки (номер выпуска)
admin-job-webhook = Доставка вебхука
admin-webhook-event =
    { $event ->
        [post-published] Статья опубликована (post.published)
        [post-published-edited] Опубликованная статья изменена (post.published.edited)
        [post-unpublished] Статья снята с сайта (post.unpublished)
        [post-deleted] Статья удалена (post.deleted)
        [page-published] Страница опубликована (page.published)
        [page-published-edited] Опубликованная страница изменена (page.published.edited)
        [page-unpublished] Страница снята с сайта (page.unpublished)
        [page-deleted] Страница удалена (page.deleted)
        [member-added] Читатель подписался (member.added)
       *[site-changed] На сайте что-то изменилось (site.changed)
    }

## Языки и переводы
admin-content-language = Язык
admin-in-language = Язык: { $language }
admin-translating = Это будет перевод материала «{ $headline }».
admin-translations = Переводы
admin-no-translations = Переводов пока нет.
admin-write-translation = Написать версию: { $language }
admin-translation-of = Перевод материала (адрес)
admin-translation-hint = например, election-night
admin-link-translation = Связать
admin-unlink-translation = Отвязать от переводов
admin-done-article-linked = Переводы связаны.
admin-done-article-unlinked = Материал больше не связан с переводами.
admin-done-page-linked = Переводы связаны.
admin-done-page-unlinked = Страница больше не связана с переводами.
admin-issue-language = Язык выпуска (его получат подписчики, подписавшиеся на этом языке)
admin-site-in-language = Сайт на языке: { $language }
admin-site-in-language-hint = Что видят читатели этой версии сайта вместо текстов выше; для пустого поля показывается текст темы на этом языке.
admin-integrations = Интеграции
admin-integrations-intro = Позвольте приложениям, написанным для Ghost, читать и писать здесь. Каждая интеграция получает <strong>ключ Content API</strong> для чтения опубликованного (<code>/ghost/api/content/</code>, например через <code>@tryghost/content-api</code>) и <strong>ключ Admin API</strong> для записи с правами администратора (<code>/ghost/api/admin/</code>, например через <code>@tryghost/admin-api</code>). Храните ключ Admin API в секрете; отзыв интеграции сразу отключает оба ключа.
admin-api-address = Адрес API для приложений:
admin-content-api-key = Ключ Content API
admin-admin-api-key = Ключ Admin API
admin-revoke = Отозвать
admin-add-integration = Добавить интеграцию
admin-archive-import = Перенос архива
admin-import-intro = Перенесите архив из WordPress (Инструменты → Экспорт → Всё содержимое: файл .xml) или Ghost (экспорт содержимого в настройках Ghost: файл .json). Записи станут статьями, страницы — постоянными страницами, вместе с авторами, рубриками как разделами, метками и картинками; старые адреса продолжат работать. Повторный импорт того же файла обновит перенесённое, а не добавит его второй раз.
admin-import-file = Файл экспорта (не больше { $mb } МБ)
admin-import-dry-run = Только показать, что произойдёт, ничего не записывая
admin-import-no-fetch = Не загружать картинки со старого сайта (они останутся ссылками)
admin-import-start = Импортировать
admin-import-recent = Недавние импорты
admin-import-dry = пробный прогон
admin-import-about = Из { $origin }, запустил(а) { $who }.
admin-import-report = Отчёт
admin-import-back = К импортам
admin-import-state =
    { $state ->
        [queued] Ждёт начала
        [running] Идёт импорт
        [done] Завершён
       *[failed] Остановлен
    }
admin-unsaved-disk-full = Ничего не сохранено: на диске сервера нет места. Всё, что вы ввели, осталось ниже; скопируйте текст в надёжное место и сообщите администратору сервера.
admin-unsaved-database = Ничего не сохранено: база данных сейчас не может записать изменения. Всё, что вы ввели, осталось ниже; попробуйте ещё раз через минуту или скопируйте текст в надёжное место.
admin-upload-disk-full = { $name }: не загружено, на диске сервера нет места. От файла ничего не осталось; сообщите администратору сервера.
admin-upload-not-written = { $name }: не загружено, сервер не смог записать файл ({ $why }). От файла ничего не осталось.
