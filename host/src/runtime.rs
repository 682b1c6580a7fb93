//! The waPC host protocol over the wasmi interpreter: what `wapc` and
//! `wasmtime-provider` do for the policy server, in one small file.
//!
//! A waPC call: the host stores the operation and payload, calls the guest's
//! `__guest_call(operation length, payload length)`; the guest fetches both
//! with `__guest_request` and answers with `__guest_response` or
//! `__guest_error`, then returns 1 (success) or 0. Host calls
//! (`__host_call`) go to [`host_callback`], as policy-evaluator's callback
//! handler would answer them.
//!
//! WASI: a `wasm32-wasip1` module imports a few `wasi_snapshot_preview1`
//! functions. The policy server gives modules no arguments, no environment
//! and no files; so does this host. Standard output and error go to this
//! process's standard error (standard output is the harness's answer).
//! `random_get` returns a fixed sequence: the random state of the guest's
//! hash maps is then the same on every run, so instruction counts repeat
//! exactly. Any other WASI function answers `ENOSYS`.

use std::io::Write as _;
use std::path::Path;
use std::sync::Mutex;

use serde_json::Value;
use wasmi::{
    Caller, Engine, Error, Extern, ExternType, Linker, Memory, Module, Store, TypedFunc, Val,
};

use crate::{AdmissionResponse, GuestResponse, HostResult, SettingsValidation, Status};

const WAPC: &str = "wapc";
const WASI: &str = "wasi_snapshot_preview1";
const WASI_SUCCESS: i32 = 0;
const WASI_EBADF: i32 = 8;
const WASI_ENOSYS: i32 = 52;

/// A compiled policy module, from which instances are made cheaply.
#[derive(Clone)]
pub struct PolicyModule {
    engine: Engine,
    module: Module,
}

/// What the host keeps for one instance between the guest's host calls.
#[derive(Default)]
struct Calls {
    operation: Vec<u8>,
    payload: Vec<u8>,
    guest_response: Option<Vec<u8>>,
    guest_error: Option<Vec<u8>>,
    host_response: Vec<u8>,
    host_error: Vec<u8>,
    random: u64,
}

impl PolicyModule {
    pub fn compile(wasm: &[u8]) -> HostResult<Self> {
        let engine = Engine::default();
        let module = Module::new(&engine, wasm).map_err(|e| e.to_string())?;
        Ok(PolicyModule { engine, module })
    }

    pub fn load(path: &Path) -> HostResult<Self> {
        let wasm =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Self::compile(&wasm)
    }

    /// A fresh, initialized instance (`_start` and `wapc_init` have run).
    pub fn instantiate(&self) -> HostResult<Instance> {
        let mut store = Store::new(&self.engine, Calls::default());
        let linker = self.linker()?;
        let instance = linker
            .instantiate_and_start(&mut store, &self.module)
            .map_err(|e| format!("cannot instantiate the module: {e}"))?;
        for init in ["_start", "wapc_init"] {
            if let Ok(function) = instance.get_typed_func::<(), ()>(&store, init) {
                function
                    .call(&mut store, ())
                    .map_err(|e| format!("{init} failed: {e}"))?;
            }
        }
        let guest_call = instance
            .get_typed_func::<(i32, i32), i32>(&store, "__guest_call")
            .map_err(|e| format!("not a waPC module: {e}"))?;
        Ok(Instance {
            state: Mutex::new((store, guest_call)),
        })
    }

    /// The waPC and WASI imports, and `ENOSYS` for any other WASI import.
    fn linker(&self) -> HostResult<Linker<Calls>> {
        let mut linker = Linker::new(&self.engine);
        define_wapc(&mut linker).map_err(|e| e.to_string())?;
        define_wasi(&mut linker).map_err(|e| e.to_string())?;
        for import in self.module.imports() {
            let (WASI, ExternType::Func(ty)) = (import.module(), import.ty()) else {
                continue;
            };
            if !DEFINED_WASI.contains(&import.name()) {
                linker
                    .func_new(WASI, import.name(), ty.clone(), |_, _, results| {
                        if let Some(result) = results.first_mut() {
                            *result = Val::I32(WASI_ENOSYS);
                        }
                        Ok(())
                    })
                    .map_err(|e| e.to_string())?;
            }
        }
        Ok(linker)
    }
}

/// The WASI functions [`define_wasi`] implements.
const DEFINED_WASI: [&str; 5] = [
    "random_get",
    "environ_get",
    "environ_sizes_get",
    "fd_write",
    "proc_exit",
];

fn memory(caller: &Caller<'_, Calls>) -> Result<Memory, Error> {
    caller
        .get_export("memory")
        .and_then(Extern::into_memory)
        .ok_or_else(|| Error::new("the module exports no memory"))
}

fn offset(value: i32) -> usize {
    // Wasm32 addresses are unsigned 32-bit numbers.
    value as u32 as usize
}

fn read(caller: &Caller<'_, Calls>, ptr: i32, len: i32) -> Result<Vec<u8>, Error> {
    let mut bytes = vec![0; offset(len)];
    memory(caller)?
        .read(caller, offset(ptr), &mut bytes)
        .map_err(|e| Error::new(e.to_string()))?;
    Ok(bytes)
}

fn write(caller: &mut Caller<'_, Calls>, ptr: i32, bytes: &[u8]) -> Result<(), Error> {
    memory(caller)?
        .write(caller, offset(ptr), bytes)
        .map_err(|e| Error::new(e.to_string()))
}

fn length(bytes: &[u8]) -> i32 {
    i32::try_from(bytes.len()).unwrap_or(i32::MAX)
}

fn define_wapc(linker: &mut Linker<Calls>) -> Result<(), wasmi::errors::LinkerError> {
    linker.func_wrap(
        WAPC,
        "__guest_request",
        |mut caller: Caller<'_, Calls>, op: i32, ptr: i32| {
            let operation = std::mem::take(&mut caller.data_mut().operation);
            let payload = std::mem::take(&mut caller.data_mut().payload);
            write(&mut caller, op, &operation)?;
            write(&mut caller, ptr, &payload)
        },
    )?;
    linker.func_wrap(
        WAPC,
        "__guest_response",
        |mut caller: Caller<'_, Calls>, ptr: i32, len: i32| {
            caller.data_mut().guest_response = Some(read(&caller, ptr, len)?);
            Ok(())
        },
    )?;
    linker.func_wrap(
        WAPC,
        "__guest_error",
        |mut caller: Caller<'_, Calls>, ptr: i32, len: i32| {
            caller.data_mut().guest_error = Some(read(&caller, ptr, len)?);
            Ok(())
        },
    )?;
    linker.func_wrap(
        WAPC,
        "__console_log",
        |caller: Caller<'_, Calls>, ptr: i32, len: i32| {
            eprintln!(
                "policy console: {}",
                String::from_utf8_lossy(&read(&caller, ptr, len)?)
            );
            Ok(())
        },
    )?;
    define_host_calls(linker)
}

/// The host-call half of waPC: the guest asks, the host answers.
fn define_host_calls(linker: &mut Linker<Calls>) -> Result<(), wasmi::errors::LinkerError> {
    linker.func_wrap(WAPC, "__host_call", host_call)?;
    linker.func_wrap(
        WAPC,
        "__host_response",
        |mut caller: Caller<'_, Calls>, ptr: i32| {
            let bytes = caller.data().host_response.clone();
            write(&mut caller, ptr, &bytes)
        },
    )?;
    linker.func_wrap(WAPC, "__host_response_len", |caller: Caller<'_, Calls>| {
        length(&caller.data().host_response)
    })?;
    linker.func_wrap(
        WAPC,
        "__host_error",
        |mut caller: Caller<'_, Calls>, ptr: i32| {
            let bytes = caller.data().host_error.clone();
            write(&mut caller, ptr, &bytes)
        },
    )?;
    linker.func_wrap(WAPC, "__host_error_len", |caller: Caller<'_, Calls>| {
        length(&caller.data().host_error)
    })?;
    Ok(())
}

#[allow(clippy::too_many_arguments)] // the waPC ABI: four (pointer, length) pairs
fn host_call(
    mut caller: Caller<'_, Calls>,
    binding_ptr: i32,
    binding_len: i32,
    namespace_ptr: i32,
    namespace_len: i32,
    operation_ptr: i32,
    operation_len: i32,
    payload_ptr: i32,
    payload_len: i32,
) -> Result<i32, Error> {
    let (binding, namespace) = ((binding_ptr, binding_len), (namespace_ptr, namespace_len));
    let (operation, payload) = ((operation_ptr, operation_len), (payload_ptr, payload_len));
    let text = |caller: &Caller<'_, Calls>, (ptr, len): (i32, i32)| {
        read(caller, ptr, len).map(|b| String::from_utf8_lossy(&b).into_owned())
    };
    let binding = text(&caller, binding)?;
    let namespace = text(&caller, namespace)?;
    let operation = text(&caller, operation)?;
    let payload = read(&caller, payload.0, payload.1)?;
    let calls = caller.data_mut();
    match host_callback(&binding, &namespace, &operation, &payload) {
        Ok(answer) => {
            calls.host_response = answer;
            Ok(1)
        }
        Err(error) => {
            calls.host_error = error.into_bytes();
            Ok(0)
        }
    }
}

/// Answers the host calls a policy may make, as policy-evaluator does: logging
/// is accepted; everything else is an error the policy sees.
fn host_callback(
    binding: &str,
    namespace: &str,
    operation: &str,
    payload: &[u8],
) -> Result<Vec<u8>, String> {
    match (binding, namespace, operation) {
        ("kubewarden", "tracing", "log") => {
            eprintln!("policy log: {}", String::from_utf8_lossy(payload));
            Ok(Vec::new())
        }
        ("kubewarden", "tracing", operation) => Err(format!("unknown operation: {operation}")),
        ("kubewarden", namespace, _) => Err(format!("unknown namespace: {namespace}")),
        (binding, _, _) => Err(format!("unknown binding: {binding}")),
    }
}

fn define_wasi(linker: &mut Linker<Calls>) -> Result<(), wasmi::errors::LinkerError> {
    linker.func_wrap(WASI, "random_get", random_get)?;
    linker.func_wrap(WASI, "environ_sizes_get", empty_list)?;
    linker.func_wrap(
        WASI,
        "environ_get",
        |_: Caller<'_, Calls>, _: i32, _: i32| WASI_SUCCESS,
    )?;
    linker.func_wrap(WASI, "fd_write", fd_write)?;
    linker.func_wrap(
        WASI,
        "proc_exit",
        |_: Caller<'_, Calls>, code: i32| -> Result<(), Error> { Err(Error::i32_exit(code)) },
    )?;
    Ok(())
}

/// No environment variables (and no arguments): a count and a size of zero.
fn empty_list(mut caller: Caller<'_, Calls>, count: i32, size: i32) -> Result<i32, Error> {
    write(&mut caller, count, &0u32.to_le_bytes())?;
    write(&mut caller, size, &0u32.to_le_bytes())?;
    Ok(WASI_SUCCESS)
}

/// A fixed sequence (splitmix64), the same for every instance.
fn random_get(mut caller: Caller<'_, Calls>, ptr: i32, len: i32) -> Result<i32, Error> {
    let mut bytes = Vec::with_capacity(offset(len));
    while bytes.len() < offset(len) {
        let state = &mut caller.data_mut().random;
        *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        bytes.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    bytes.truncate(offset(len));
    write(&mut caller, ptr, &bytes)?;
    Ok(WASI_SUCCESS)
}

/// Standard output and error to this process's standard error.
fn fd_write(
    mut caller: Caller<'_, Calls>,
    fd: i32,
    iovs: i32,
    iovs_len: i32,
    written: i32,
) -> Result<i32, Error> {
    if fd != 1 && fd != 2 {
        return Ok(WASI_EBADF);
    }
    let vectors = read(&caller, iovs, iovs_len.saturating_mul(8))?;
    let mut total: u32 = 0;
    for vector in vectors.chunks_exact(8) {
        let (ptr, len) = vector.split_at(4);
        let word = |b: &[u8]| u32::from_le_bytes(b.try_into().unwrap_or_default());
        let (ptr, len) = (word(ptr), word(len));
        let bytes = read(&caller, ptr as i32, len as i32)?;
        let _ = std::io::stderr().write_all(&bytes);
        total = total.saturating_add(len);
    }
    write(&mut caller, written, &total.to_le_bytes())?;
    Ok(WASI_SUCCESS)
}

/// One instance of the policy, kept warm across calls as the policy server does.
pub struct Instance {
    state: Mutex<(Store<Calls>, GuestCall)>,
}

/// The guest's `__guest_call(operation length, payload length) -> 1 | 0`.
type GuestCall = TypedFunc<(i32, i32), i32>;

impl Instance {
    /// One waPC call: the guest's response, or its error (or trap) as an error.
    pub fn call(&self, operation: &str, payload: &[u8]) -> HostResult<Vec<u8>> {
        let mut state = self.state.lock().map_err(|e| e.to_string())?;
        let (store, guest_call) = &mut *state;
        *store.data_mut() = Calls {
            operation: operation.as_bytes().to_vec(),
            payload: payload.to_vec(),
            random: store.data().random,
            ..Calls::default()
        };
        let succeeded = guest_call
            .call(&mut *store, (length(operation.as_bytes()), length(payload)))
            .map_err(|e| format!("guest call failed: {e}"))?;
        let calls = store.data_mut();
        match (
            succeeded,
            calls.guest_response.take(),
            calls.guest_error.take(),
        ) {
            (1, Some(response), _) => Ok(response),
            (1, None, _) => Ok(Vec::new()),
            (_, _, Some(error)) => Err(String::from_utf8_lossy(&error).into_owned().into()),
            (_, _, None) => Err(format!("guest call {operation} failed").into()),
        }
    }

    pub fn protocol_version(&self) -> HostResult<String> {
        Ok(serde_json::from_slice(
            &self.call("protocol_version", b"")?,
        )?)
    }

    pub fn validate_settings(&self, settings: &Value) -> HostResult<SettingsValidation> {
        let answer = self.call(
            "validate_settings",
            serde_json::to_string(settings)?.as_bytes(),
        )?;
        Ok(serde_json::from_slice(&answer)?)
    }

    /// The raw `validate` call: the payload policy-evaluator builds.
    pub fn validate(&self, request: &Value, settings: &Value) -> HostResult<GuestResponse> {
        let payload =
            serde_json::to_vec(&serde_json::json!({"request": request, "settings": settings}))?;
        Ok(serde_json::from_slice(&self.call("validate", &payload)?)?)
    }

    /// `validate` turned into an AdmissionResponse, as policy-evaluator does. A
    /// guest failure becomes a rejection with code 500, never a host error.
    pub fn evaluate(&self, request: &Value, settings: &Value) -> AdmissionResponse {
        let uid = request
            .get("uid")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        match self.validate(request, settings) {
            Ok(response) => crate::admission_response(uid, request, response),
            Err(error) => AdmissionResponse {
                uid,
                allowed: false,
                patch_type: None,
                patch: None,
                status: Some(Status {
                    message: Some(format!("internal server error: {error}")),
                    code: Some(500),
                }),
                audit_annotations: None,
                warnings: None,
            },
        }
    }
}
