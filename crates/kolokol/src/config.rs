//! Loading the configuration: built-in defaults, then the TOML file, then `KOLOKOL_*`
//! environment variables (`KOLOKOL_SITE__TITLE` sets `site.title`). The environment
//! wins, so containers and service managers can override a shared file.

use std::path::Path;

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use kolokol_core::config::Config;

/// Reads and validates the configuration; errors name the file and the key.
pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
    let mut figment = Figment::from(Serialized::defaults(Config::default()));
    if let Some(file) = file {
        if !file.is_file() {
            bail!("the configuration file {} does not exist", file.display());
        }
        figment = figment.merge(Toml::file_exact(file));
    }
    // `KOLOKOL_LOG` is the log filter, read by the binary itself, not a key.
    figment = figment.merge(
        Env::prefixed("KOLOKOL_")
            .filter(|key| !key.as_str().eq_ignore_ascii_case("log"))
            .split("__"),
    );
    let config: Config = figment
        .extract()
        .map_err(|e| anyhow::anyhow!(describe(&e)))?;
    config
        .validate()
        .map_err(anyhow::Error::msg)
        .with_context(|| {
            format!(
                "invalid configuration{}",
                file.map(|f| format!(" in {}", f.display()))
                    .unwrap_or_default()
            )
        })?;
    Ok(config)
}

fn describe(error: &figment::Error) -> String {
    error
        .clone()
        .into_iter()
        .map(|e| format!("configuration error: {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment's Jail API fixes the closure's error type"
    )]
    fn file_values_and_environment_overrides() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("kolokol.toml");
        std::fs::write(&file, "listen = \"127.0.0.1:9000\"\n[site]\ntitle = \"From the file\"\nbase_url = \"https://bell.example\"\n").unwrap();
        figment::Jail::expect_with(|jail| {
            jail.set_env("KOLOKOL_SITE__TITLE", "From the environment");
            jail.set_env("KOLOKOL_LOG", "debug");
            let config = load(Some(&file)).map_err(|e| e.to_string())?;
            assert_eq!(config.site.title, "From the environment");
            assert_eq!(config.site.base_url, "https://bell.example");
            assert_eq!(config.listen.port(), 9000);
            Ok(())
        });
    }

    #[test]
    fn errors_name_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("kolokol.toml");
        std::fs::write(&file, "[site]\narticles_per_page = \"many\"\n").unwrap();
        let error = load(Some(&file)).unwrap_err().to_string();
        assert!(error.contains("articles_per_page"), "{error}");

        std::fs::write(&file, "[site]\ntitel = \"typo\"\n").unwrap();
        let error = load(Some(&file)).unwrap_err().to_string();
        assert!(error.contains("titel"), "{error}");

        std::fs::write(&file, "[site]\ntimezone = \"Nowhere/Land\"\n").unwrap();
        let error = format!("{:#}", load(Some(&file)).unwrap_err());
        assert!(error.contains("site.timezone"), "{error}");

        // Values that once fell back silently (an unknown algorithm became RSA, an
        // unknown currency USD) are refused at start, naming the key.
        for (text, key) in [
            ("[newsletter]\ndkim_algorithm = \"dsa\"\n", "dkim_algorithm"),
            ("[revenue]\nprovider = \"paypal\"\n", "provider"),
            ("[revenue]\ncurrency = \"XYZ\"\n", "currency"),
            ("[revenue]\nminimums = [\"five dollars\"]\n", "minimums"),
            ("listen = \"localhost\"\n", "listen"),
        ] {
            std::fs::write(&file, text).unwrap();
            let error = format!("{:#}", load(Some(&file)).unwrap_err());
            assert!(error.contains(key), "{text}: {error}");
        }
        std::fs::write(&file, "listen = \"localhost:8420\"\n").unwrap();
        assert_eq!(
            load(Some(&file)).unwrap().listen.to_string(),
            "localhost:8420"
        );

        assert!(
            load(Some(&dir.path().join("missing.toml")))
                .unwrap_err()
                .to_string()
                .contains("does not exist")
        );
    }
}
