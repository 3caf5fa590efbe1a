//! Whether a standalone crate is a Cargo workspace of its own or a member of the workspace around
//! it, decided the same way on every run so that regenerating and `--check` agree.
//!
//! Cargo looks upwards from a package for the nearest manifest with a `[workspace]` table that
//! does not `exclude` it; if that workspace does not take the package as a member (through
//! `members`, or as a path dependency of a member), the build fails. A crate with a `[workspace]`
//! table of its own stops the search, but then cannot be a member of any workspace. So by default
//! a crate joins the enclosing workspace exactly when that workspace takes it as a member, and is
//! a workspace of its own otherwise: either way it builds as written. `--workspace join` or
//! `--workspace own` overrides that, and the choice is recorded in the manifest, so that later
//! runs without the option keep it.

use std::path::{Path, PathBuf};

/// Whether a standalone crate has a `[workspace]` table of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Membership {
    /// A workspace of its own: the manifest ends with an empty `[workspace]` table, so cargo
    /// never looks further up.
    Own,
    /// A member of the workspace whose manifest encloses the crate's directory: no `[workspace]`
    /// table.
    Join,
}

impl Membership {
    /// The option's value: `own` or `join`.
    pub fn name(self) -> &'static str {
        match self {
            Membership::Own => "own",
            Membership::Join => "join",
        }
    }
}

impl std::str::FromStr for Membership {
    type Err = String;

    fn from_str(value: &str) -> Result<Membership, String> {
        match value {
            "own" => Ok(Membership::Own),
            "join" => Ok(Membership::Join),
            other => Err(format!(
                "`{other}` is not a workspace choice: use `own` (a workspace of its own) or \
                 `join` (a member of the enclosing workspace)"
            )),
        }
    }
}

/// The membership of a crate, and how it was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    /// Own workspace or member.
    pub membership: Membership,
    /// True when it was asked for (now or on an earlier run, as the manifest records), false when
    /// it was found from the enclosing workspace.
    pub chosen: bool,
}

/// The first words of the manifest line that records the decision.
const RECORD: &str = "# workspace: ";
/// What follows the membership on that line when it was chosen.
const CHOSEN: &str = ", as chosen with `--workspace ";

impl Decision {
    /// The manifest's last lines: a comment recording the decision, and the `[workspace]` table
    /// for a crate of its own.
    pub fn manifest_tail(self) -> String {
        let name = self.membership.name();
        let why = if self.chosen {
            format!("{CHOSEN}{name}` (kept when regenerated)")
        } else {
            match self.membership {
                Membership::Own => ", as no enclosing workspace takes this directory as a member",
                Membership::Join => ", as the enclosing workspace takes this directory as a member",
            }
            .to_owned()
                + " (`--workspace own` or `--workspace join` chooses)"
        };
        match self.membership {
            Membership::Own => format!("{RECORD}{name}{why}\n[workspace]\n"),
            Membership::Join => format!("{RECORD}{name}{why}\n"),
        }
    }
}

/// Decides the membership of a crate written into `dir` (absolute, without `.` or `..`): `asked`
/// when given; else the choice an earlier run recorded in the generated manifest there, when it
/// was asked for; else [`detect`].
pub fn decide(dir: &Path, asked: Option<Membership>) -> Decision {
    if let Some(membership) = asked {
        return Decision {
            membership,
            chosen: true,
        };
    }
    if let Some(membership) = recorded(dir) {
        return Decision {
            membership,
            chosen: true,
        };
    }
    Decision {
        membership: detect(dir),
        chosen: false,
    }
}

/// The membership chosen on an earlier run, as the manifest the generator wrote into `dir`
/// records it; `None` when there is no such manifest or the membership was found rather than
/// chosen.
pub fn recorded(dir: &Path) -> Option<Membership> {
    let manifest = dir.join("Cargo.toml");
    if !super::is_generated_file(&manifest) {
        return None;
    }
    let text = std::fs::read_to_string(manifest).ok()?;
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(RECORD)?;
        let (name, after) = rest.split_once(CHOSEN)?;
        after.starts_with(name).then(|| name.parse().ok()).flatten()
    })
}

/// [`Membership::Join`] when the workspace enclosing `dir` (absolute, without `.` or `..`) takes
/// it as a member: `dir` matches one of its `members` (paths or globs such as `crates/*`), or is a
/// path dependency of the root package or of a member, and it is not in `exclude`.
/// [`Membership::Own`] otherwise, also when no workspace encloses `dir`.
pub fn detect(dir: &Path) -> Membership {
    match Enclosing::find(dir) {
        Some(workspace) if workspace.takes(dir) => Membership::Join,
        _ => Membership::Own,
    }
}

/// The workspace cargo would find for a package in a directory.
struct Enclosing {
    root: PathBuf,
    manifest: toml::Table,
}

impl Enclosing {
    /// The nearest directory strictly above `dir` whose manifest has a `[workspace]` table that
    /// does not exclude `dir`.
    fn find(dir: &Path) -> Option<Enclosing> {
        dir.ancestors().skip(1).find_map(|root| {
            let text = std::fs::read_to_string(root.join("Cargo.toml")).ok()?;
            let manifest: toml::Table = text.parse().ok()?;
            manifest.get("workspace")?.as_table()?;
            let found = Enclosing {
                root: root.to_path_buf(),
                manifest,
            };
            (!found.excludes(dir)).then_some(found)
        })
    }

    fn workspace_list(&self, key: &str) -> Vec<&str> {
        self.manifest
            .get("workspace")
            .and_then(|w| w.get(key))
            .and_then(toml::Value::as_array)
            .map(|items| items.iter().filter_map(toml::Value::as_str).collect())
            .unwrap_or_default()
    }

    /// Cargo's rule: a directory under an `exclude` entry is excluded, unless a `members` entry
    /// names it or a directory above it literally.
    fn excludes(&self, dir: &Path) -> bool {
        let under = |entry: &&str| dir.starts_with(normalise(&self.root.join(entry)));
        self.workspace_list("exclude").iter().any(under)
            && !self.workspace_list("members").iter().any(under)
    }

    fn takes(&self, dir: &Path) -> bool {
        let options = glob::MatchOptions {
            require_literal_separator: true,
            ..glob::MatchOptions::new()
        };
        let members = self.workspace_list("members");
        let matched = members.iter().any(|member| {
            let pattern = normalise(&self.root.join(member));
            pattern == dir
                || glob::Pattern::new(&pattern.to_string_lossy())
                    .is_ok_and(|p| p.matches_path_with(dir, options))
        });
        matched || self.depended_on(dir, &members)
    }

    /// Whether the root package, a member or the workspace's dependency table depends on `dir`
    /// by path.
    fn depended_on(&self, dir: &Path, members: &[&str]) -> bool {
        let mut manifests = vec![(self.root.clone(), self.manifest.clone())];
        for member in members {
            let pattern = self.root.join(member).to_string_lossy().into_owned();
            let Ok(paths) = glob::glob(&pattern) else {
                continue;
            };
            for path in paths.filter_map(Result::ok) {
                let manifest = std::fs::read_to_string(path.join("Cargo.toml"))
                    .ok()
                    .and_then(|text| text.parse::<toml::Table>().ok());
                if let Some(manifest) = manifest {
                    manifests.push((path, manifest));
                }
            }
        }
        let from_workspace = self
            .manifest
            .get("workspace")
            .and_then(|w| w.get("dependencies"))
            .and_then(toml::Value::as_table)
            .into_iter()
            .flat_map(|deps| path_dependencies(&self.root, deps));
        manifests
            .iter()
            .flat_map(|(base, manifest)| {
                let targets = manifest
                    .get("target")
                    .and_then(toml::Value::as_table)
                    .into_iter()
                    .flat_map(|t| t.values().filter_map(toml::Value::as_table));
                std::iter::once(manifest)
                    .chain(targets)
                    .flat_map(|table| {
                        ["dependencies", "dev-dependencies", "build-dependencies"]
                            .into_iter()
                            .filter_map(|key| table.get(key).and_then(toml::Value::as_table))
                    })
                    .flat_map(|deps| path_dependencies(base, deps))
                    .collect::<Vec<_>>()
            })
            .chain(from_workspace)
            .any(|path| path == dir)
    }
}

/// The directories a dependency table names by `path`, taken from `base`.
fn path_dependencies(base: &Path, deps: &toml::Table) -> Vec<PathBuf> {
    deps.values()
        .filter_map(|dep| dep.get("path").and_then(toml::Value::as_str))
        .map(|path| normalise(&base.join(path)))
        .collect()
}

fn normalise(path: &Path) -> PathBuf {
    super::absolute(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_records_a_choice_and_only_a_choice() {
        for membership in [Membership::Own, Membership::Join] {
            let chosen = Decision {
                membership,
                chosen: true,
            }
            .manifest_tail();
            let found = Decision {
                membership,
                chosen: false,
            }
            .manifest_tail();
            assert_eq!(
                chosen.ends_with("\n[workspace]\n"),
                membership == Membership::Own
            );
            assert_eq!(
                found.ends_with("\n[workspace]\n"),
                membership == Membership::Own
            );
            let read = |tail: &str| {
                tail.lines().find_map(|line| {
                    let rest = line.strip_prefix(RECORD)?;
                    let (name, after) = rest.split_once(CHOSEN)?;
                    after.starts_with(name).then(|| name.to_owned())
                })
            };
            assert_eq!(read(&chosen).as_deref(), Some(membership.name()));
            assert_eq!(read(&found), None);
        }
    }

    #[test]
    fn choices_parse_from_their_names() {
        assert_eq!("own".parse(), Ok(Membership::Own));
        assert_eq!("join".parse(), Ok(Membership::Join));
        assert!("member".parse::<Membership>().is_err());
    }
}
