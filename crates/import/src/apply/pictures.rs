//! Pictures of the old site become library images: found again from an earlier
//! import, copied from the uploads folder given, or fetched.

use super::*;

impl Importer<'_> {
    /// The old address a picture is remembered by: its path on the old site, or
    /// the whole URL when it was elsewhere.
    pub(super) fn picture_address(&self, url: &str) -> String {
        let site = match self.head.origin {
            Origin::WordPress => self.head.site_url.as_str(),
            Origin::Ghost => "",
        };
        if site.is_empty() && url.starts_with('/') {
            return crate::normal_path(url);
        }
        crate::old_path(site, url).unwrap_or_else(|| url.to_owned())
    }

    /// The picture's bytes from the uploads copy, by the part of its address after
    /// the uploads folder (or its whole path).
    pub(super) fn local_copy(&self, url: &str) -> Option<PathBuf> {
        let folder = self.options.media.as_ref()?;
        let path = url::Url::parse(url)
            .map(|u| u.path().to_owned())
            .unwrap_or_else(|_| url.to_owned());
        let path = crate::percent_decode(&path);
        let relative = ["/wp-content/uploads/", "/content/images/"]
            .iter()
            .find_map(|marker| path.split_once(marker).map(|(_, rest)| rest.to_owned()))
            .unwrap_or_else(|| path.trim_start_matches('/').to_owned());
        if relative.split('/').any(|part| part == "..") {
            return None;
        }
        let candidate = folder.join(relative);
        candidate.is_file().then_some(candidate)
    }

    /// The library image (id and address) a picture of the old site became:
    /// found from an earlier import, copied from `--media`, or fetched.
    pub(super) async fn picture(
        &mut self,
        url: &str,
        notes: &mut Vec<String>,
    ) -> Result<Option<(i64, String)>, Stopped> {
        if let Some(known) = self.images.get(url) {
            return Ok(known.clone());
        }
        let address = self.picture_address(url);
        let found = match self.store.imported_image(&address).await? {
            Some(id) => self
                .store
                .image(id)
                .await?
                .map(|image| (image.id, kolokol_render::urls::media(&image.path))),
            None => self.bring_picture(url, &address, notes).await?,
        };
        self.images.insert(url.to_owned(), found.clone());
        Ok(found)
    }

    pub(super) async fn bring_picture(
        &mut self,
        url: &str,
        address: &str,
        notes: &mut Vec<String>,
    ) -> Result<Option<(i64, String)>, Stopped> {
        let bytes = match self.local_copy(url) {
            Some(path) => match tokio::fs::read(&path).await {
                Ok(bytes) => bytes,
                Err(e) => {
                    notes.push(format!(
                        "{}: cannot be read ({e}); the picture is kept as a link",
                        path.display()
                    ));
                    return Ok(None);
                }
            },
            None if !self.options.fetch
                || !(url.starts_with("http://") || url.starts_with("https://")) =>
            {
                notes.push(format!(
                    "picture not found in the uploads copy, kept as a link: {url}"
                ));
                return Ok(None);
            }
            None if self.options.dry_run => {
                notes.push(format!("picture would be fetched: {url}"));
                return Ok(Some((0, url.to_owned())));
            }
            None => match self.fetch(url).await {
                Ok(bytes) => bytes,
                Err(why) => {
                    notes.push(format!(
                        "picture could not be fetched ({why}), kept as a link: {url}"
                    ));
                    return Ok(None);
                }
            },
        };
        if self.options.dry_run {
            return Ok(Some((0, url.to_owned())));
        }
        let name = address.rsplit('/').next().unwrap_or("picture").to_owned();
        let media = &self.options.media_store;
        let image = match media.store_upload(bytes, name.clone()).await {
            Ok(image) => image,
            Err(kolokol_media::MediaError::Write(why) | kolokol_media::MediaError::Store(why)) => {
                return Err(Stopped(why));
            }
            Err(kolokol_media::MediaError::DiskFull) => {
                return Err(Stopped("no space left on the disk".into()));
            }
            Err(refused) => {
                notes.push(format!("{url}: {refused}; kept as a link"));
                return Ok(None);
            }
        };
        let id =
            match kolokol_operations::media::add(self.store, self.actor(), &image, &name, self.now)
                .await
            {
                Ok(id) => id,
                Err(e) => {
                    // No row names the files: they go too.
                    media.remove_files(&image).await;
                    let why = Self::refusal(e)?;
                    notes.push(format!("{url}: {why}; kept as a link"));
                    return Ok(None);
                }
            };
        self.store.remember_address(address, "image", id).await?;
        Ok(Some((id, kolokol_render::urls::media(&image.path))))
    }

    pub(super) async fn fetch(&self, url: &str) -> Result<Vec<u8>, String> {
        let response = self.http.get(url).send().await.map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("the old site answered {}", response.status()));
        }
        if response
            .content_length()
            .is_some_and(|n| n > kolokol_media::MAX_UPLOAD_BYTES as u64)
        {
            return Err("larger than the library accepts".into());
        }
        let bytes = response.bytes().await.map_err(|e| e.to_string())?;
        Ok(bytes.to_vec())
    }
}
