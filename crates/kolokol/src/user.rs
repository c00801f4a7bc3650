//! `kolokol user add`: staff accounts from the command line.

use kolokol_core::config::Config;

use crate::open_store;

pub(crate) async fn add_user(
    config: &Config,
    email: &str,
    role: &str,
    name: Option<&str>,
) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    let email = kolokol_core::Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let role = kolokol_core::Role::parse(role)
        .ok_or_else(|| anyhow::anyhow!("--role must be contributor, author, editor or admin"))?;
    let name = name.map_or_else(
        || {
            email
                .as_str()
                .split('@')
                .next()
                .unwrap_or("staff")
                .to_owned()
        },
        str::to_owned,
    );
    if name.trim().is_empty() || kolokol_core::Slug::from_title(&name).is_err() {
        anyhow::bail!("--name needs letters or digits");
    }
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Password again: ")?;
        if first != second {
            anyhow::bail!("the two passwords differ; nothing was created");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    kolokol_core::staff::check_new_password(&password)
        .map_err(|e| anyhow::anyhow!("password: {e}"))?;
    let hash = kolokol_web::admin::password::hash(&password).map_err(anyhow::Error::msg)?;
    let store = open_store(config).await?;
    let now = chrono::Utc::now();
    let user = match store
        .create_user(&email, name.trim(), role, &hash, now)
        .await
    {
        Err(kolokol_store::StoreError::Conflict(_)) => {
            anyhow::bail!("an account for {email} already exists")
        }
        other => other?,
    };
    store
        .record_audit(None, "user.add", email.as_str(), role.as_str(), now)
        .await?;
    println!(
        "Created {} <{}> as {}. Sign in at /admin.",
        user.name, user.email, user.role
    );
    Ok(())
}
