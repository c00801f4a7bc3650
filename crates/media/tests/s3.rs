//! The S3 media store against a local S3-compatible server over HTTP.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions may unwrap: a failure is a test failure"
)]

use std::collections::HashSet;
use std::io::Cursor;
use std::time::Duration;

use kolokol_core::config::Secret;
use kolokol_core::{MediaConfig, MediaStoreKind};
use kolokol_media::{MediaError, MediaStore};
use kolokol_testkit::s3::{ACCESS_KEY, S3Server, SECRET_KEY};

fn bucket_config(server: &S3Server, prefix: &str, secret: &str) -> MediaConfig {
    MediaConfig {
        store: MediaStoreKind::S3,
        bucket: server.bucket.clone(),
        endpoint: server.endpoint.clone(),
        access_key_id: ACCESS_KEY.into(),
        secret_access_key: Secret(secret.into()),
        prefix: prefix.into(),
        ..MediaConfig::default()
    }
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut bytes = Cursor::new(Vec::new());
    picture
        .write_to(&mut bytes, image::ImageFormat::Jpeg)
        .unwrap();
    bytes.into_inner()
}

fn paths(image: &kolokol_core::NewImage) -> Vec<String> {
    let mut all: Vec<String> = image.files().map(str::to_owned).collect();
    all.sort();
    all
}

/// Every file's path the store lists.
async fn listed(store: &MediaStore) -> Vec<String> {
    let files = store.list().await.unwrap();
    files.into_iter().map(|file| file.path).collect()
}

#[tokio::test]
async fn uploads_renditions_reads_and_sweeps_go_to_the_bucket() {
    let server = S3Server::start("pictures").await;
    let config = bucket_config(&server, "site-one", SECRET_KEY);
    let store = MediaStore::from_config(&config, "unused".into()).unwrap();
    assert!(store.folder_path().is_none());
    store.check().await.expect("the bucket answers");

    let image = store
        .store_upload(jpeg(1000, 600), "Harbour at Dawn.jpg".into())
        .await
        .expect("the upload is kept");
    assert!(
        image.path.starts_with("uploads/harbour-at-dawn-"),
        "{}",
        image.path
    );
    // A JPEG and a WebP at 480 and 960 and at its own width.
    assert_eq!(image.variants.len(), 6, "{:?}", image.variants);
    let all = paths(&image);
    let expected: Vec<String> = all.iter().map(|p| format!("site-one/{p}")).collect();
    assert_eq!(
        server.keys(),
        expected,
        "every file is an object under the prefix"
    );

    let original = store
        .read(&image.path)
        .await
        .unwrap()
        .expect("the original");
    assert_eq!(&original[..], &jpeg(1000, 600)[..]);
    let small = &image.variants[0];
    let size = store.size(&small.path).await.expect("its size");
    let bytes = store.read(&small.path).await.unwrap().unwrap();
    assert_eq!(size, bytes.len() as u64);
    assert!(
        store
            .read("uploads/nothing-here.jpg")
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.read("../etc/passwd").await.unwrap().is_none());
    assert!(store.size("uploads/nothing-here.jpg").await.is_none());

    let listed = listed(&store).await;
    assert_eq!(listed, all);
    for file in store.list().await.unwrap() {
        assert_eq!(
            Some(file.size),
            store.size(&file.path).await,
            "{}",
            file.path
        );
    }

    // A file no image names: kept while young, swept once old enough.
    store
        .put("uploads/left-by-a-crash.jpg", b"half".to_vec())
        .await
        .unwrap();
    store.put("demo/keep.jpg", b"demo".to_vec()).await.unwrap();
    let known: HashSet<String> = all.iter().cloned().collect();
    let hour = Duration::from_secs(3600);
    assert_eq!(store.sweep_orphans(&known, hour).await.unwrap(), 0);
    assert_eq!(
        store.sweep_orphans(&known, Duration::ZERO).await.unwrap(),
        1
    );
    let swept = store.read("uploads/left-by-a-crash.jpg").await.unwrap();
    assert!(swept.is_none());
    let demo = store.read("demo/keep.jpg").await.unwrap();
    assert!(demo.is_some(), "only uploads/ is swept");
    assert!(store.read(&image.path).await.unwrap().is_some());

    store.remove_files(&image).await;
    assert_eq!(server.keys(), vec!["site-one/demo/keep.jpg".to_owned()]);
}

#[tokio::test]
async fn a_refused_upload_leaves_nothing_and_a_wrong_key_is_named() {
    let server = S3Server::start("pictures").await;
    let config = bucket_config(&server, "", SECRET_KEY);
    let store = MediaStore::from_config(&config, "unused".into()).unwrap();
    let refused = store
        .store_upload(b"not a picture".to_vec(), "x.jpg".into())
        .await
        .unwrap_err();
    assert!(
        matches!(refused, MediaError::UnsupportedType(_)),
        "{refused:?}"
    );
    assert!(server.keys().is_empty());

    let config = bucket_config(&server, "", "not-the-secret");
    let wrong = MediaStore::from_config(&config, "unused".into()).unwrap();
    let said = wrong.check().await.unwrap_err().to_string();
    assert!(said.contains("403") || said.contains("Signature"), "{said}");
    assert!(
        wrong
            .describe()
            .starts_with("s3://pictures/ at http://127.0.0.1:")
    );
    let failed = wrong
        .store_upload(jpeg(300, 200), "x.jpg".into())
        .await
        .unwrap_err();
    assert!(matches!(failed, MediaError::Write(_)), "{failed:?}");
    assert!(server.keys().is_empty(), "nothing half-written");

    // Nothing listens here: named within seconds, not after minutes of retries.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let mut config = bucket_config(&server, "", SECRET_KEY);
    config.endpoint = format!("http://127.0.0.1:{port}");
    let unreachable = MediaStore::from_config(&config, "unused".into()).unwrap();
    let started = std::time::Instant::now();
    assert!(unreachable.check().await.is_err());
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_folder_store_keeps_files_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("media");
    let store = MediaStore::from_config(&MediaConfig::default(), folder.clone()).unwrap();
    assert_eq!(store.folder_path(), Some(folder.as_path()));
    let image = store
        .store_upload(jpeg(500, 300), "Quay.jpg".into())
        .await
        .unwrap();
    assert!(folder.join(&image.path).is_file());
    store.put("demo/a/b.jpg", b"x".to_vec()).await.unwrap();
    let read = store.read("demo/a/b.jpg").await.unwrap().unwrap();
    assert_eq!(read.as_ref(), b"x");
    assert!(store.read("../escape").await.unwrap().is_none());
    let listed = listed(&store).await;
    assert!(listed.contains(&"demo/a/b.jpg".to_owned()));
    assert!(listed.contains(&image.path));
    store.remove_files(&image).await;
    assert!(!folder.join(&image.path).exists());
}
