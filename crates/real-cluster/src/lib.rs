//! The policy on a real Kubernetes control plane, where every lifecycle
//! claim of the cluster model is put to the test:
//!
//! - [`manifests`]: the webhook configurations and policy-server entries
//!   kubewarden-controller derives from `examples/*.yaml`;
//! - `control_plane` (feature `client`): etcd, kube-apiserver and
//!   kube-controller-manager 1.20.2 and the real policy-server over TLS, on
//!   127.0.0.1, each process stopped by its pid when dropped;
//! - `api`: a small REST client of the API server;
//! - `process`, `waiting`: a child process stopped by its pid and its scratch
//!   folder; a condition polled until it holds (below everything else);
//! - `cluster`: the cluster model's [`World`](cluster_model::world::World)
//!   on the real API server, with a stand-in kubelet that marks Pods ready;
//! - `differential`: a scenario played on the model and the real cluster
//!   side by side, their summaries compared after every step.

pub mod manifests;

#[cfg(feature = "client")]
pub mod api;
#[cfg(feature = "client")]
pub mod cluster;
#[cfg(feature = "client")]
pub mod control_plane;
#[cfg(feature = "client")]
pub mod differential;
#[cfg(feature = "client")]
pub mod pki;
#[cfg(feature = "client")]
pub mod policy_server;
#[cfg(feature = "client")]
pub mod process;
#[cfg(feature = "client")]
pub mod stack;
#[cfg(feature = "client")]
pub mod waiting;
