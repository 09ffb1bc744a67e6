//! Writes `ui/src/ipc/commands.ts` from the IPC table: `Commands` maps each command
//! to `{ args; result }` and `Events` each event to its payload, with the ts-rs names
//! of the Rust types and imports from `ui/src/bindings`. Runs with the bindings
//! (`cargo test -p courier-proto -p courier-client -p courier-workspace --features ts --lib`); the test
//! command fails when the committed file differs.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;

use ts_rs::{Config, TS, TypeVisitor};

/// A type as the generated file names it, and the bindings it needs imported.
struct TsType {
    name: String,
    imports: BTreeSet<String>,
}

fn ts_type<T: TS + 'static + ?Sized>(cfg: &Config) -> TsType {
    /// Collects the exported types a type refers to: itself, or the generic
    /// arguments of a type without a file of its own (`Vec<Session>` → `Session`).
    struct Exported(BTreeSet<String>);
    impl TypeVisitor for Exported {
        fn visit<T: TS + 'static + ?Sized>(&mut self) {
            if let Some(path) = T::output_path() {
                let path = path.with_extension("");
                self.0.insert(path.to_string_lossy().into_owned());
            } else {
                T::visit_generics(self);
            }
        }
    }
    let mut exported = Exported(BTreeSet::new());
    exported.visit::<T>();
    TsType {
        name: T::name(cfg),
        imports: exported.0,
    }
}

struct Command {
    name: &'static str,
    docs: &'static [&'static str],
    args: Vec<(&'static str, TsType)>,
    result: TsType,
}

struct Event {
    name: &'static str,
    docs: &'static [&'static str],
    payload: TsType,
}

macro_rules! table {
    (
        commands { $( $area:ident {
            $( $(#[doc = $doc:literal])* $name:ident ( $($arg:ident : $ty:ty),* $(,)? ) -> $result:ty; )*
        } )* }
        events { $( $(#[doc = $edoc:literal])* $event:ident => $variant:ident($payload:ty); )* }
    ) => {
        fn table(cfg: &Config) -> (Vec<Command>, Vec<Event>) {
            let commands = vec![$($(
                Command {
                    name: stringify!($name),
                    docs: &[$($doc),*],
                    args: vec![$( (stringify!($arg), ts_type::<$ty>(cfg)) ),*],
                    result: ts_type::<$result>(cfg),
                },
            )*)*];
            let events = vec![$(
                Event {
                    name: stringify!($event),
                    docs: &[$($edoc),*],
                    payload: ts_type::<$payload>(cfg),
                },
            )*];
            (commands, events)
        }
    };
}

crate::with_ipc_table!(table);

/// `account_id` → `accountId`, as Tauri names command arguments.
fn camel_case(name: &str) -> String {
    let mut parts = name.split('_');
    let mut out = parts.next().unwrap_or_default().to_owned();
    for part in parts {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

fn doc_comment(out: &mut String, docs: &[&str]) {
    let lines: Vec<&str> = docs.iter().map(|line| line.trim()).collect();
    match lines.as_slice() {
        [] => {}
        [line] => {
            let _ = writeln!(out, "  /** {line} */");
        }
        lines => {
            out.push_str("  /**\n");
            for line in lines {
                let _ = writeln!(out, "   * {line}");
            }
            out.push_str("   */\n");
        }
    }
}

fn render(commands: &[Command], events: &[Event]) -> String {
    let imports: BTreeSet<&String> = commands
        .iter()
        .flat_map(|command| {
            let args = command.args.iter().map(|(_, ty)| ty);
            args.chain([&command.result])
        })
        .chain(events.iter().map(|event| &event.payload))
        .flat_map(|ty| &ty.imports)
        .collect();
    let mut out = String::from(
        "// Generated from the IPC table (crates/client/src/app/ipc/mod.rs) by\n\
         // `cargo test -p courier-proto -p courier-client -p courier-workspace --features ts --lib`. Do not edit.\n",
    );
    for path in imports {
        let name = path.rsplit('/').next().unwrap_or(path);
        let _ = writeln!(out, "import type {{ {name} }} from \"../bindings/{path}\";");
    }
    out.push_str(
        "\n/** Every command the desktop answers: its arguments (as `invoke` sends them) and result. */\n\
         export type Commands = {\n",
    );
    for command in commands {
        doc_comment(&mut out, command.docs);
        let args = if command.args.is_empty() {
            "undefined".to_owned()
        } else {
            let fields: Vec<String> = command
                .args
                .iter()
                .map(|(name, ty)| format!("{}: {}", camel_case(name), ty.name))
                .collect();
            format!("{{ {} }}", fields.join("; "))
        };
        let _ = writeln!(
            out,
            "  {}: {{ args: {args}; result: {} }};",
            command.name, command.result.name
        );
    }
    out.push_str("};\n\n/** Every event the desktop pushes, by name, with its payload. */\nexport type Events = {\n");
    for event in events {
        doc_comment(&mut out, event.docs);
        let _ = writeln!(out, "  {}: {};", event.name, event.payload.name);
    }
    out.push_str("};\n");
    out
}

#[test]
fn camel_case_follows_tauri() {
    assert_eq!(camel_case("account_id"), "accountId");
    assert_eq!(camel_case("id"), "id");
    assert_eq!(camel_case("session_id"), "sessionId");
}

#[test]
fn export_command_map() {
    let cfg = Config::from_env();
    let (commands, events) = table(&cfg);
    let names: BTreeSet<&str> = commands.iter().map(|command| command.name).collect();
    assert_eq!(names.len(), commands.len(), "a command is listed twice");
    let path: PathBuf = cfg.out_dir().join("../ipc/commands.ts");
    std::fs::write(&path, render(&commands, &events))
        .unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
}
