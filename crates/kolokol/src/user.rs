//! `kolokol user add` and `kolokol user reset-password`: staff accounts from the
//! command line.

use kolokol_core::config::Config;

use crate::open_store;

pub(crate) async fn add_user(
    config: &Config,
    email: &str,
    role: &str,
    name: Option<&str>,
) -> anyhow::Result<()> {
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
    let password = read_password()?;
    let store = open_store(config).await?;
    let operator = kolokol_operations::Actor::Operator;
    let now = chrono::Utc::now();
    let created =
        kolokol_operations::accounts::create(&store, operator, &email, &name, role, &password, now)
            .await;
    let user = created.map_err(|e| explain(config, e))?;
    println!(
        "Created {} <{}> as {}. Sign in at /admin.",
        user.name, user.email, user.role
    );
    Ok(())
}

/// An operation's refusal as the operator reads it: the theme's English words,
/// field by field.
fn explain(config: &Config, error: kolokol_operations::Error) -> anyhow::Error {
    use kolokol_operations::Error;
    let Ok(theme) = crate::load_theme(config) else {
        return error.into();
    };
    let words = kolokol_render::i18n::Words::new(theme.catalogues(), "en");
    match error {
        Error::Invalid(errors) => {
            let problems: Vec<String> = errors
                .iter()
                .map(|(field, message)| format!("{field}: {}", words.say(message)))
                .collect();
            anyhow::anyhow!("{}", problems.join("; "))
        }
        Error::Refused(message) => anyhow::anyhow!("{}", words.say(&message)),
        Error::Forbidden(what) => anyhow::anyhow!("you may not {}", words.t(what)),
        other => other.into(),
    }
}

/// The new password: asked for twice on a terminal, else one line of standard input.
fn read_password() -> anyhow::Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Password again: ")?;
        if first != second {
            anyhow::bail!("the two passwords differ; nothing was changed");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

pub(crate) async fn reset_password(config: &Config, email: &str) -> anyhow::Result<()> {
    let email = kolokol_core::Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let password = read_password()?;
    let store = open_store(config).await?;
    let operator = kolokol_operations::Actor::Operator;
    match kolokol_operations::accounts::set_password(
        &store,
        operator,
        &email,
        &password,
        chrono::Utc::now(),
    )
    .await
    {
        Ok(user) => {
            println!(
                "{} <{}> has a new password and is signed out everywhere.",
                user.name, user.email
            );
            Ok(())
        }
        Err(kolokol_operations::Error::NotFound) => {
            anyhow::bail!("no enabled staff account uses {email}; nothing was changed")
        }
        Err(other) => Err(anyhow::anyhow!(
            "{}; nothing was changed",
            explain(config, other)
        )),
    }
}
