//! Writes through the Admin API: posts and pages sent as Ghost's JSON become
//! article and page forms for the operations layer; uploads go to the library.

use super::*;

/// The one object of `{"posts": [{…}]}`.
fn sent_object<'a>(
    body: &'a Value,
    resource: &str,
) -> Result<&'a serde_json::Map<String, Value>, Refusal> {
    body.get(resource)
        .and_then(|list| list.get(0))
        .and_then(Value::as_object)
        .ok_or_else(|| invalid(&format!("the body must be {{\"{resource}\": [{{…}}]}}")))
}

fn text<'a>(object: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

/// A library address (`…/media/uploads/x.jpg` on this site) as the path our
/// Markdown uses; other addresses stay as they are.
fn local_media(state: &AppState, url: &str) -> Option<String> {
    let base = state.site_all().base_url.trim_end_matches('/').to_owned();
    let path = url.strip_prefix(&base).unwrap_or(url);
    path.starts_with("/media/").then(|| path.to_owned())
}

/// Fills `form` from a post the API sent: title, body (per `source`), excerpt,
/// tags (the first that names a section is the section), authors, picture, SEO.
async fn fill_article(
    state: &AppState,
    form: &mut ArticleForm,
    sent: &serde_json::Map<String, Value>,
    source_html: bool,
) -> Result<(), Refusal> {
    common_fields(
        state,
        sent,
        source_html,
        [&mut form.headline, &mut form.slug, &mut form.body],
    )?;
    if let Some(excerpt) = sent.get("custom_excerpt") {
        form.dek = excerpt.as_str().unwrap_or_default().to_owned();
    }
    for (key, field) in [
        ("meta_title", &mut form.seo_title),
        ("meta_description", &mut form.seo_description),
        ("feature_image_alt", &mut form.hero_alt),
        ("feature_image_caption", &mut form.hero_caption),
    ] {
        if let Some(value) = sent.get(key) {
            *field = value.as_str().unwrap_or_default().to_owned();
        }
    }
    if let Some(tags) = sent.get("tags").and_then(Value::as_array) {
        let sections = state.store.sections().await.map_err(internal)?;
        let mut names = Vec::new();
        let mut section = None;
        for tag in tags {
            let (name, slug) = match tag {
                Value::String(name) => (name.clone(), String::new()),
                other => (
                    text(other.as_object().unwrap_or(&serde_json::Map::new()), "name")
                        .unwrap_or_default()
                        .to_owned(),
                    other
                        .get("slug")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                ),
            };
            let named = sections.iter().find(|s| {
                (!slug.is_empty() && s.slug.as_str() == slug)
                    || (!name.is_empty() && s.name.eq_ignore_ascii_case(&name))
            });
            match named {
                Some(found) if section.is_none() => section = Some(found.id),
                _ if !name.is_empty() => names.push(name),
                _ => {}
            }
        }
        if let Some(section) = section {
            form.section = section.to_string();
        }
        form.tags = names.join(", ");
    }
    if form.section.is_empty() {
        let first = state.store.sections().await.map_err(internal)?;
        let first = first
            .first()
            .ok_or_else(|| invalid("the site has no section yet: create one in the newsroom"))?;
        form.section = first.id.to_string();
    }
    if let Some(authors) = sent.get("authors").and_then(Value::as_array) {
        let known = state.store.authors().await.map_err(internal)?;
        let mut ids = Vec::new();
        for author in authors {
            let wanted = |key: &str| author.get(key).and_then(Value::as_str).map(str::to_owned);
            let found = known.iter().find(|a| {
                wanted("id").as_deref() == Some(a.id.to_string().as_str())
                    || wanted("slug").as_deref() == Some(a.slug.as_str())
                    || author.as_str() == Some(a.slug.as_str())
            });
            match found {
                Some(a) => ids.push(a.id.to_string()),
                None => return Err(invalid(&format!("unknown author {author}"))),
            }
        }
        form.authors = ids.join(",");
    }
    if form.authors.is_empty() {
        let known = state.store.authors().await.map_err(internal)?;
        let first = known.first().ok_or_else(|| {
            invalid("the site has no author profile yet: create one in the newsroom")
        })?;
        form.authors = first.id.to_string();
    }
    if let Some(image) = sent.get("feature_image") {
        form.hero_image = match image.as_str().and_then(|url| local_media(state, url)) {
            Some(path) => {
                let path = path.trim_start_matches("/media/");
                let images = state.store.images(10_000).await.map_err(internal)?;
                images
                    .iter()
                    .find(|i| i.path == path)
                    .map(|i| i.id.to_string())
                    .ok_or_else(|| {
                        invalid("feature_image: upload the picture first (images/upload)")
                    })?
            }
            None if image.is_null() => String::new(),
            None => {
                return Err(invalid(
                    "feature_image: only pictures uploaded here can be used",
                ));
            }
        };
    }
    // Ghost lets a picture go without a description; our pages do not, so the
    // caption (or the headline) describes it until an editor writes one.
    if !form.hero_image.is_empty() && form.hero_alt.trim().is_empty() {
        form.hero_alt = if form.hero_caption.trim().is_empty() {
            form.headline.clone()
        } else {
            form.hero_caption.clone()
        };
    }
    Ok(())
}

/// Publishes, schedules or withdraws as the sent `status` asks.
async fn apply_status(
    state: &AppState,
    actor: Actor<'_>,
    id: ArticleId,
    sent: &serde_json::Map<String, Value>,
    was: Option<&EditableArticle>,
) -> Result<(), Refusal> {
    let now = Utc::now();
    let live = was.is_some_and(|a| a.status == ArticleStatus::Published);
    let result = match text(sent, "status") {
        Some("published") => {
            kolokol_operations::articles::publish(&state.store, actor, id, now).await
        }
        Some("scheduled") => {
            let at = text(sent, "published_at")
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc));
            kolokol_operations::articles::schedule(&state.store, actor, id, at, now).await
        }
        Some("draft") if live => {
            kolokol_operations::articles::withdraw(&state.store, actor, id, now).await
        }
        Some("draft") | None => Ok(()),
        Some(other) => {
            return Err(invalid(&format!(
                "status \"{other}\" is not draft, published or scheduled"
            )));
        }
    };
    result.map_err(|e| refused(state, e))
}

pub(super) async fn add(
    State(state): State<AppState>,
    Path(resource): Path<String>,
    Query(params): Params,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer(
        async {
            let name = integration(&state, &headers).await?;
            let actor = Actor::Integration(&name);
            let body: Value = serde_json::from_slice(&body)
                .map_err(|e| invalid(&format!("the body is not JSON ({e})")))?;
            let sent = sent_object(&body, &resource)?;
            let source_html = params.get("source").map(String::as_str) == Some("html");
            let languages = state.languages();
            let now = Utc::now();
            let created = match resource.as_str() {
                "posts" => {
                    let mut form = ArticleForm::default();
                    fill_article(&state, &mut form, sent, source_html).await?;
                    let saved = kolokol_operations::articles::save(
                        &state.store,
                        actor,
                        None,
                        &form,
                        &languages,
                        now,
                    )
                    .await
                    .map_err(|e| refused(&state, e))?;
                    apply_status(&state, actor, saved.id(), sent, None).await?;
                    state.content_changed().await;
                    one(&state, "posts", Some(saved.id().0), None, &formats(&params)).await?
                }
                "pages" => {
                    let mut form = PageForm {
                        placement: "none".into(),
                        ..PageForm::default()
                    };
                    fill_page(&state, &mut form, sent, source_html)?;
                    let id = kolokol_operations::pages::save(
                        &state.store,
                        actor,
                        None,
                        &form,
                        &languages,
                        now,
                    )
                    .await
                    .map_err(|e| refused(&state, e))?;
                    if text(sent, "status") == Some("published") {
                        kolokol_operations::pages::set_published(
                            &state.store,
                            actor,
                            id,
                            true,
                            now,
                        )
                        .await
                        .map_err(|e| refused(&state, e))?;
                    }
                    state.content_changed().await;
                    one(&state, "pages", Some(id), None, &formats(&params)).await?
                }
                "tags" => {
                    let tag_name = text(sent, "name").unwrap_or_default().trim().to_owned();
                    let slug = match text(sent, "slug") {
                        Some(slug) => Slug::parse(slug),
                        None => Slug::from_title(&tag_name),
                    }
                    .map_err(|e| invalid(&e.to_string()))?;
                    if tag_name.is_empty() {
                        return Err(invalid("name is required"));
                    }
                    let tag =
                        kolokol_operations::archive::add_tag(&state.store, actor, &slug, &tag_name)
                            .await
                            .map_err(|e| refused(&state, e))?;
                    tag_value(&tag)
                }
                _ => return Err(not_found(&resource)),
            };
            Ok(json_answer(
                StatusCode::CREATED,
                &json!({ resource.as_str(): [created] }),
            ))
        }
        .await,
    )
}

fn fill_page(
    state: &AppState,
    form: &mut PageForm,
    sent: &serde_json::Map<String, Value>,
    source_html: bool,
) -> Result<(), Refusal> {
    common_fields(
        state,
        sent,
        source_html,
        [&mut form.title, &mut form.slug, &mut form.body],
    )
}

/// What posts and pages share: the title, the slug and the body (HTML with
/// `?source=html`, else Lexical or Mobiledoc), each only when sent.
fn common_fields(
    state: &AppState,
    sent: &serde_json::Map<String, Value>,
    source_html: bool,
    [title, slug, body]: [&mut String; 3],
) -> Result<(), Refusal> {
    if let Some(sent_title) = text(sent, "title") {
        *title = sent_title.to_owned();
    }
    if let Some(sent_slug) = text(sent, "slug") {
        *slug = sent_slug.to_owned();
    }
    let html = if source_html {
        text(sent, "html")
    } else {
        None
    };
    let converted = kolokol_import::ghost::body_markdown(
        html,
        text(sent, "lexical"),
        text(sent, "mobiledoc"),
        &|src: &str| local_media(state, src),
    )
    .map_err(|why| invalid(&why))?;
    if let Some(converted) = converted {
        *body = converted.markdown;
    }
    Ok(())
}

/// Refuses an edit made against an older state than the one saved (Ghost's
/// `updated_at` check), so two editors never overwrite each other unknowingly.
fn collision(
    sent: &serde_json::Map<String, Value>,
    modified_at: DateTime<Utc>,
) -> Result<(), Refusal> {
    let given = text(sent, "updated_at")
        .ok_or_else(|| invalid("updated_at is required when editing (the value you read)"))?;
    let given =
        DateTime::parse_from_rfc3339(given).map_err(|_| invalid("updated_at is not a time"))?;
    if given.timestamp() != modified_at.timestamp() {
        return Err(refusal(
            StatusCode::CONFLICT,
            "UpdateCollisionError",
            "Saving failed! Someone else is editing this post.",
            None,
        ));
    }
    Ok(())
}

pub(super) async fn edit(
    State(state): State<AppState>,
    Path((resource, id)): Path<(String, String)>,
    Query(params): Params,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer(
        async {
            let name = integration(&state, &headers).await?;
            let actor = Actor::Integration(&name);
            let id = id_of(&id)?;
            let body: Value = serde_json::from_slice(&body)
                .map_err(|e| invalid(&format!("the body is not JSON ({e})")))?;
            let sent = sent_object(&body, &resource)?;
            let source_html = params.get("source").map(String::as_str) == Some("html");
            let languages = state.languages();
            let now = Utc::now();
            let edited = match resource.as_str() {
                "posts" => {
                    let article =
                        kolokol_operations::articles::editable(&state.store, actor, ArticleId(id))
                            .await
                            .map_err(|e| refused(&state, e))?;
                    collision(sent, article.modified_at)?;
                    let mut form = ArticleForm::from_draft(&article.draft);
                    fill_article(&state, &mut form, sent, source_html).await?;
                    kolokol_operations::articles::save(
                        &state.store,
                        actor,
                        Some(ArticleId(id)),
                        &form,
                        &languages,
                        now,
                    )
                    .await
                    .map_err(|e| refused(&state, e))?;
                    apply_status(&state, actor, ArticleId(id), sent, Some(&article)).await?;
                    state.content_changed().await;
                    one(&state, "posts", Some(id), None, &formats(&params)).await?
                }
                "pages" => {
                    let page = kolokol_operations::pages::existing(&state.store, id)
                        .await
                        .map_err(|e| refused(&state, e))?;
                    collision(sent, page.modified_at)?;
                    let mut form = PageForm::from_draft(&page.draft);
                    fill_page(&state, &mut form, sent, source_html)?;
                    kolokol_operations::pages::save(
                        &state.store,
                        actor,
                        Some(id),
                        &form,
                        &languages,
                        now,
                    )
                    .await
                    .map_err(|e| refused(&state, e))?;
                    if let Some(status) = text(sent, "status") {
                        kolokol_operations::pages::set_published(
                            &state.store,
                            actor,
                            id,
                            status == "published",
                            now,
                        )
                        .await
                        .map_err(|e| refused(&state, e))?;
                    }
                    state.content_changed().await;
                    one(&state, "pages", Some(id), None, &formats(&params)).await?
                }
                "tags" => {
                    let tag = state
                        .store
                        .tag_record(id)
                        .await
                        .map_err(internal)?
                        .ok_or_else(|| not_found("tag"))?;
                    let tag_name = text(sent, "name").unwrap_or(&tag.name).to_owned();
                    let slug = text(sent, "slug").unwrap_or(tag.slug.as_str()).to_owned();
                    kolokol_operations::tags::rename(
                        &state.store,
                        actor,
                        id,
                        &tag_name,
                        &slug,
                        &tag.translations,
                        now,
                    )
                    .await
                    .map_err(|e| refused(&state, e))?;
                    state.content_changed().await;
                    one(&state, "tags", Some(id), None, &[]).await?
                }
                _ => return Err(not_found(&resource)),
            };
            Ok(json_answer(
                StatusCode::OK,
                &json!({ resource.as_str(): [edited] }),
            ))
        }
        .await,
    )
}

pub(super) async fn remove(
    State(state): State<AppState>,
    Path((resource, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    answer(
        async {
            let name = integration(&state, &headers).await?;
            let actor = Actor::Integration(&name);
            let id = id_of(&id)?;
            let now = Utc::now();
            let result = match resource.as_str() {
                "posts" => {
                    kolokol_operations::articles::delete(&state.store, actor, ArticleId(id), now)
                        .await
                }
                "pages" => kolokol_operations::pages::delete(&state.store, actor, id, now).await,
                "tags" => kolokol_operations::tags::delete(&state.store, actor, id, now)
                    .await
                    .map(|_| ()),
                _ => return Err(not_found(&resource)),
            };
            result.map_err(|e| refused(&state, e))?;
            state.content_changed().await;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        .await,
    )
}

pub(super) async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    answer(
        async {
            let name = integration(&state, &headers).await?;
            let actor = Actor::Integration(&name);
            let (mut file, mut reference) = (None, None);
            while let Some(field) = multipart
                .next_field()
                .await
                .map_err(|e| invalid(&format!("the upload did not arrive whole ({e})")))?
            {
                match field.name() {
                    Some("file") => {
                        let file_name = field.file_name().unwrap_or("upload").to_owned();
                        let bytes = field.bytes().await.map_err(|e| {
                            invalid(&format!("the upload did not arrive whole ({e})"))
                        })?;
                        file = Some((file_name, bytes));
                    }
                    Some("ref") => reference = field.text().await.ok(),
                    _ => {}
                }
            }
            let (file_name, bytes) =
                file.ok_or_else(|| invalid("send the picture as the field \"file\""))?;
            let _turn = state.uploads.acquire().await.map_err(internal)?;
            let image = match state
                .media
                .store_upload(bytes.to_vec(), file_name.clone())
                .await
            {
                Ok(image) => image,
                Err(
                    unsaved @ (kolokol_media::MediaError::Write(_)
                    | kolokol_media::MediaError::Store(_)
                    | kolokol_media::MediaError::DiskFull),
                ) => return Err(internal(unsaved)),
                Err(refused_upload) => return Err(invalid(&refused_upload.to_string())),
            };
            let added =
                kolokol_operations::media::add(&state.store, actor, &image, &file_name, Utc::now())
                    .await;
            if let Err(e) = added {
                // No row names the files: they go too.
                state.media.remove_files(&image).await;
                return Err(refused(&state, e));
            }
            let base = state.site_all().base_url.trim_end_matches('/').to_owned();
            let url = urls::absolute(&base, &urls::media(&image.path));
            Ok(json_answer(
                StatusCode::CREATED,
                &json!({"images": [{"url": url, "ref": reference}]}),
            ))
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_against_an_older_state_collides() {
        let saved = DateTime::parse_from_rfc3339("2026-05-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let sent = |at: &str| json!({"updated_at": at}).as_object().unwrap().clone();
        assert!(collision(&sent("2026-05-01T10:00:00.000Z"), saved).is_ok());
        let refused = collision(&sent("2026-05-01T09:59:00.000Z"), saved).unwrap_err();
        assert_eq!(
            (refused.status, refused.kind),
            (StatusCode::CONFLICT, "UpdateCollisionError")
        );
        assert_eq!(
            collision(&json!({}).as_object().unwrap().clone(), saved)
                .unwrap_err()
                .status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
}
