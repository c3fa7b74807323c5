//! Work that a library runs to the end without a way to stop it (perpetual's boosting loop has
//! no stop flag), run in a forked child process, so that a cancelled statement ends it at once.
//!
//! A thread cannot be killed: one left running after a cancel kept its threads and gigabytes
//! (issue 29). A child process can: the caller polls for cancellation while the child works,
//! and on cancel (or any error) the child is killed with SIGKILL and reaped before the error
//! returns, so its threads and memory are gone with it. The child's address space is capped
//! (RLIMIT_AS) at what it has plus the memory budget, so training memory counts against
//! shopml.max_training_memory and running out ends only the child, with a clean error.
//!
//! The child is a copy of the caller (a Postgres backend): it touches nothing of Postgres (no
//! shared memory, no sockets, no exit handlers: it leaves with `_exit`), runs the work on a
//! thread pool of its own (the parent's rayon threads do not exist in a fork), and sends the
//! result back through a pipe as JSON.

use crate::error::{Error, Result, SqlState};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};

const OK: u8 = 0;
const FAILED: u8 = 1;

/// The child process; killed and reaped when dropped before it was waited for.
struct Child {
    pid: libc::pid_t,
    reaped: bool,
}

impl Child {
    fn wait(&mut self) -> libc::c_int {
        let mut status = 0;
        // SAFETY: waitpid on our own child; EINTR is retried.
        while unsafe { libc::waitpid(self.pid, &mut status, 0) } < 0 {
            if std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
                break;
            }
        }
        self.reaped = true;
        status
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        if !self.reaped {
            // SAFETY: our own child, not yet reaped, so the pid is still ours.
            unsafe { libc::kill(self.pid, libc::SIGKILL) };
            self.wait();
        }
    }
}

/// The virtual size of this process in bytes (/proc/self/statm, first field, in pages).
fn address_space_bytes() -> usize {
    let pages: usize = std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|p| p.parse().ok()))
        .unwrap_or(0);
    // SAFETY: sysconf has no preconditions.
    pages * unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(4096) as usize
}

/// Runs `work` in a child process with `threads` threads and at most `budget` bytes more than
/// the caller's address space, calling `poll` about every 50 ms until it is done. `poll` may
/// unwind (a cancel): the child is then killed and reaped first.
pub fn run<T: Serialize + DeserializeOwned + Send>(
    budget: usize,
    threads: usize,
    work: impl FnOnce() -> Result<T> + Send,
    poll: &mut dyn FnMut(),
) -> Result<T> {
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills two descriptors; close-on-exec keeps them from anything exec'd.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(Error::new(SqlState::SystemError, format!("could not create a pipe: {}", std::io::Error::last_os_error())));
    }
    // SAFETY: both descriptors were just created and are owned here alone.
    let (read_end, write_end) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    let limit = address_space_bytes().saturating_add(budget).saturating_add(threads.saturating_mul(16 << 20)).saturating_add(64 << 20);
    // SAFETY: the child only runs `child_main`, which never returns.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(Error::new(SqlState::SystemError, format!("could not start the training process: {}", std::io::Error::last_os_error())));
    }
    if pid == 0 {
        drop(read_end);
        child_main(write_end, limit, threads, work);
    }
    drop(write_end);
    let mut child = Child { pid, reaped: false };
    let mut file = std::fs::File::from(read_end);
    let mut out = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        poll();
        let mut p = libc::pollfd { fd: std::os::fd::AsRawFd::as_raw_fd(&file), events: libc::POLLIN, revents: 0 };
        // SAFETY: one valid pollfd.
        if unsafe { libc::poll(&mut p, 1, 50) } <= 0 {
            continue;
        }
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::new(SqlState::SystemError, format!("could not read the training result: {e}"))),
        }
    }
    let status = child.wait();
    match out.split_first() {
        Some((&OK, json)) if libc::WIFEXITED(status) => {
            serde_json::from_slice(json).map_err(|e| Error::internal(format!("could not read the training result: {e}")))
        }
        Some((&FAILED, json)) => {
            Err(serde_json::from_slice(json).unwrap_or_else(|_| Error::internal("training failed")))
        }
        // Out of memory under the cap: the allocator aborts the child (or the kernel kills it).
        _ if libc::WIFSIGNALED(status) && matches!(libc::WTERMSIG(status), libc::SIGABRT | libc::SIGKILL | libc::SIGSEGV | libc::SIGBUS) => Err(
            Error::new(SqlState::ProgramLimitExceeded, format!("training ran out of memory: it needs more than the {} MB of shopml.max_training_memory", budget >> 20))
                .with_hint("ask a superuser to raise shopml.max_training_memory, or train on fewer rows or columns"),
        ),
        _ => Err(Error::internal(format!("the training process stopped without a result (wait status {status})"))),
    }
}

/// The child: no Postgres signal handlers, a capped address space, its own thread pool, the
/// result down the pipe, `_exit`.
fn child_main<T: Serialize + Send>(pipe: OwnedFd, limit: usize, threads: usize, work: impl FnOnce() -> Result<T> + Send) -> ! {
    // SAFETY: plain system calls in a single-threaded fresh child.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGQUIT, libc::SIGHUP, libc::SIGUSR1, libc::SIGUSR2, libc::SIGALRM, libc::SIGPIPE] {
            libc::signal(sig, libc::SIG_DFL);
        }
        // Few malloc arenas: each reserves 64 MB of address space, which the cap counts.
        libc::mallopt(libc::M_ARENA_MAX, 2);
        let cap = libc::rlimit { rlim_cur: limit as libc::rlim_t, rlim_max: limit as libc::rlim_t };
        libc::setrlimit(libc::RLIMIT_AS, &cap);
        let no_core = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        libc::setrlimit(libc::RLIMIT_CORE, &no_core);
    }
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        match rayon::ThreadPoolBuilder::new().num_threads(threads.max(1)).build() {
            Ok(pool) => pool.install(work),
            Err(e) => Err(Error::internal(format!("could not start {threads} threads: {e}"))),
        }
    }));
    let message = match result {
        Ok(Ok(value)) => serde_json::to_vec(&value).map(|json| [&[OK][..], &json].concat()).ok(),
        Ok(Err(e)) => serde_json::to_vec(&e).map(|json| [&[FAILED][..], &json].concat()).ok(),
        Err(_) => serde_json::to_vec(&Error::internal("training failed")).map(|json| [&[FAILED][..], &json].concat()).ok(),
    };
    let mut file = std::fs::File::from(pipe);
    let ok = message.is_some_and(|m| file.write_all(&m).is_ok());
    // SAFETY: leaves without running the parent's exit handlers (Postgres' own among them).
    unsafe { libc::_exit(if ok { 0 } else { 1 }) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_the_result() {
        let v: Vec<u32> = run(64 << 20, 2, || Ok((0..1000).collect()), &mut || {}).unwrap();
        assert_eq!(v.len(), 1000);
        assert_eq!(v[999], 999);
    }

    #[test]
    fn errors_come_back() {
        let e = run::<u8>(64 << 20, 1, || Err(Error::invalid_parameter("bad budget")), &mut || {}).unwrap_err();
        assert_eq!((e.state, e.message.as_str()), (SqlState::InvalidParameterValue, "bad budget"));
    }

    #[test]
    fn out_of_memory_is_a_clean_error() {
        let e = run::<usize>(32 << 20, 1, || Ok(vec![1u8; 1 << 30].iter().map(|&b| b as usize).sum()), &mut || {}).unwrap_err();
        assert_eq!(e.state, SqlState::ProgramLimitExceeded, "{}", e.message);
    }

    #[test]
    fn a_cancel_kills_the_child_at_once() {
        let start = std::time::Instant::now();
        let r = std::panic::catch_unwind(|| {
            let mut polls = 0;
            run::<u8>(64 << 20, 1, || loop { std::hint::spin_loop() }, &mut || {
                polls += 1;
                if polls == 3 {
                    panic!("cancel");
                }
            })
        });
        assert!(r.is_err());
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }
}
