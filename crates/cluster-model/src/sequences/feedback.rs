//! Feedback sequences: what a person hears when writing (a rejection, a
//! warning, a patch), and what the policy must leave alone (warn-only,
//! exempt namespaces and images, on UPDATE too; a sidecar an injector adds;
//! owner references a person writes; the entries a Pod UPDATE or `kubectl
//! debug` did not change).

use super::{ALWAYS, Expect, IF_NOT_PRESENT, Named, Pods, create, made_before};
use crate::Scenario;
use crate::actions::Action;
use crate::api_server::{Injector, Mode, Setup};
use crate::objects::{EntrySpec, Kind, Slot};

/// An image of the trusted registry of the model's exemptions.
const TRUSTED: &str = "registry.example.com/shop/api:2.4.1";

fn entry(slot: Slot, image: &'static str, policy: Option<&'static str>) -> EntrySpec {
    EntrySpec {
        slot,
        image,
        policy,
    }
}

/// A user's create in `NAMESPACES[namespace]` (1 is `team-a`, exempt with
/// the exemptions).
fn create_in(namespace: usize, kind: Kind, entries: Vec<EntrySpec>) -> Action {
    Action::Create {
        kind,
        namespace,
        entries,
        suspend: false,
    }
}

fn set_image(entry: usize, image: &'static str) -> Action {
    Action::SetImage {
        target: 0,
        entry,
        image,
    }
}

fn with(mode: Mode, exemptions: bool, injector: Injector) -> Setup {
    Setup {
        mode,
        exemptions,
        injector,
    }
}

/// A Pod whose init container pulls `IfNotPresent`, its container `Always`.
fn pod_with_init_container() -> Action {
    create_in(
        0,
        Kind::Pod,
        vec![
            entry(Slot::Init, "busybox:1.36", IF_NOT_PRESENT),
            entry(Slot::Container, "nginx:1.25", ALWAYS),
        ],
    )
}

fn debug(policy: Option<&'static str>) -> Action {
    Action::Debug {
        target: 0,
        image: "busybox:1.36",
        policy,
    }
}

/// A person's Deployment whose owner reference names their bare Pod.
fn owned_deployment(controller: bool) -> Vec<Action> {
    vec![
        create(Kind::Pod, "nginx:1.25", ALWAYS, false),
        Action::CreateOwned {
            kind: Kind::Deployment,
            owner: 0,
            controller,
            image: "nginx:1.25",
        },
    ]
}

/// The table: name, setup, before the install, after, the promise.
#[allow(clippy::too_many_lines)]
pub fn sequences() -> Vec<Named> {
    let named = |name, setup, before_install, steps, expect| Named {
        name,
        scenario: Scenario {
            setup,
            before_install,
            steps,
        },
        expect,
    };
    let plain = |mode| with(mode, false, Injector::None);
    let exempting = |mode| with(mode, true, Injector::None);
    let exempt_deployment = || {
        create_in(
            1,
            Kind::Deployment,
            vec![entry(Slot::Container, "nginx:1.25", IF_NOT_PRESENT)],
        )
    };
    vec![
        named(
            "warn-only admits a non-compliant Deployment and its edits, with warnings",
            plain(Mode::WarnOnly),
            vec![],
            vec![
                create(Kind::Deployment, "nginx:1.25", IF_NOT_PRESENT, false),
                set_image(0, "redis:7"),
            ],
            Expect::UserWarned,
        ),
        named(
            "warn-only admits a Pod UPDATE that changes an image, with a warning",
            plain(Mode::WarnOnly),
            made_before(Kind::Pod),
            vec![set_image(0, "redis:7")],
            Expect::UserWarned,
        ),
        named(
            "validate mode leaves an exempt namespace alone, on UPDATE too",
            exempting(Mode::Validate),
            vec![],
            vec![
                exempt_deployment(),
                set_image(0, "redis:7"),
                Action::SetPullPolicy {
                    target: 0,
                    entry: 0,
                    policy: Some("Never"),
                },
            ],
            Expect::UserAdmittedAsWritten,
        ),
        named(
            "mutate mode leaves an exempt namespace's workloads as written, on UPDATE too",
            exempting(Mode::Mutate),
            vec![],
            vec![exempt_deployment(), set_image(0, "redis:7")],
            Expect::UserAdmittedAsWritten,
        ),
        named(
            "the pair leaves a trusted registry's image as written, on UPDATE too",
            exempting(Mode::Pair),
            vec![],
            vec![
                create(Kind::Deployment, TRUSTED, IF_NOT_PRESENT, false),
                Action::SetEnv {
                    target: 0,
                    value: 1,
                },
                Action::RolloutRestart { target: 0, at: 2 },
            ],
            Expect::UserAdmittedAsWritten,
        ),
        named(
            "validate mode admits a trusted registry's image when the template changes",
            exempting(Mode::Validate),
            vec![],
            vec![
                create(Kind::DaemonSet, TRUSTED, IF_NOT_PRESENT, false),
                Action::RolloutRestart { target: 0, at: 4 },
            ],
            Expect::UserAdmittedAsWritten,
        ),
        named(
            "an injector's sidecar that pulls Always: the pair admits the Pods as made",
            with(Mode::Pair, false, Injector::Always),
            vec![],
            vec![create(Kind::Deployment, "nginx:1.25", ALWAYS, false)],
            Expect::Made(Pods::Unpatched),
        ),
        named(
            "an injector's IfNotPresent sidecar: validate mode rejects its Pods",
            with(Mode::Validate, false, Injector::IfNotPresent),
            vec![],
            vec![create(Kind::ReplicaSet, "nginx:1.25", ALWAYS, false)],
            Expect::Made(Pods::Rejected),
        ),
        named(
            "an injector's IfNotPresent sidecar from a trusted registry: the pair admits its Pods",
            with(Mode::Pair, true, Injector::IfNotPresent),
            vec![],
            vec![create(Kind::StatefulSet, "nginx:1.25", ALWAYS, false)],
            Expect::Made(Pods::Unpatched),
        ),
        named(
            "a person's workload with a forged controller reference is admitted; its Pods are judged",
            plain(Mode::Validate),
            vec![],
            owned_deployment(true),
            Expect::Made(Pods::Rejected),
        ),
        named(
            "a person's workload with a non-controlling owner reference is admitted as written; its Pods are judged",
            plain(Mode::Validate),
            vec![],
            owned_deployment(false),
            Expect::Made(Pods::Rejected),
        ),
        named(
            "a person's Pod that names an owner is judged all the same",
            plain(Mode::Validate),
            vec![],
            vec![
                create(Kind::Pod, "nginx:1.25", ALWAYS, false),
                Action::CreateOwned {
                    kind: Kind::Pod,
                    owner: 0,
                    controller: true,
                    image: "nginx:1.25",
                },
            ],
            Expect::UserRejected,
        ),
        named(
            "an init container's image changed on a Pod UPDATE is judged",
            plain(Mode::Validate),
            vec![pod_with_init_container()],
            vec![set_image(0, "redis:7")],
            Expect::UserRejected,
        ),
        named(
            "a container's image changed beside an unchanged IfNotPresent init container is admitted",
            plain(Mode::Validate),
            vec![pod_with_init_container()],
            vec![set_image(1, "nginx")],
            Expect::UserAdmittedAsWritten,
        ),
        named(
            "mutate mode patches a person's Deployment",
            plain(Mode::Mutate),
            vec![],
            vec![create(
                Kind::Deployment,
                "nginx:1.25",
                IF_NOT_PRESENT,
                false,
            )],
            Expect::UserPatched,
        ),
        named(
            "kubectl debug: a new IfNotPresent ephemeral container is rejected",
            plain(Mode::Validate),
            made_before(Kind::Pod),
            vec![debug(IF_NOT_PRESENT)],
            Expect::UserRejected,
        ),
        named(
            "kubectl debug: a new Always ephemeral container is admitted beside old containers",
            plain(Mode::Validate),
            made_before(Kind::Pod),
            vec![debug(ALWAYS)],
            Expect::UserAdmittedAsWritten,
        ),
        named(
            "kubectl debug in mutate mode: the new ephemeral container is patched",
            plain(Mode::Mutate),
            made_before(Kind::Pod),
            vec![debug(None)],
            Expect::UserPatched,
        ),
    ]
}
