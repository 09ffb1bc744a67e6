//! The Argon2 ceiling: how many password sign-ins per second the machine could verify
//! if every core did nothing but hash, timed with the server's own parameters and the
//! server's own way of hashing (one working memory reused per thread). The crate's
//! allocating API is timed too, for comparison.

use std::time::{Duration, Instant};

use anyhow::anyhow;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::SecretString;

use super::{common, cpu};

/// Hashes timed, on one thread and on each thread of the parallel check.
const HASHES: u32 = 20;

/// The most password sign-ins the machine can verify: every core hashing all the time.
pub struct Argon2Ceiling {
    cores: usize,
    params: String,
    per_hash: Duration,
    /// Page faults per hash: the block array is allocated (and zeroed) for every hash.
    faults_per_hash: u64,
    /// The same hash into one block array allocated once and reused, as a hashing
    /// thread could do; the difference is the allocator's share of the cost above.
    reused_per_hash: Duration,
    reused_faults_per_hash: u64,
    /// Hashes per second with one thread per core hashing at once (a check on the
    /// ceiling's assumption that hashing scales with cores).
    parallel_rate: f64,
}

impl Argon2Ceiling {
    /// Times hashes with exactly the parameters the server's hasher writes into
    /// its PHC strings, so the ceiling follows any change to them.
    pub fn measure(
        runtime: &tokio::runtime::Runtime,
        cores: usize,
    ) -> anyhow::Result<(Self, cpu::Usage)> {
        let hasher = courier_server::PasswordHasher::new(1)?;
        let stored =
            runtime.block_on(hasher.hash(&SecretString::from(common::PASSWORD.to_owned())))?;
        let phc = PasswordHash::new(&stored).map_err(|error| anyhow!("{error}"))?;
        let params = Params::try_from(&phc).map_err(|error| anyhow!("{error}"))?;
        let algorithm = Algorithm::try_from(phc.algorithm).map_err(|error| anyhow!("{error}"))?;
        let version = match phc.version {
            Some(version) => Version::try_from(version).map_err(|error| anyhow!("{error}"))?,
            None => Version::default(),
        };
        let argon2 = Argon2::new(algorithm, version, params.clone());
        let reusing = argon2.clone();
        let reusing_parallel = argon2.clone();
        let hash = move || -> anyhow::Result<()> {
            let salt = SaltString::generate(&mut rand::rngs::OsRng);
            let hash = argon2
                .hash_password(common::PASSWORD.as_bytes(), &salt)
                .map_err(|error| anyhow!("{error}"))?;
            std::hint::black_box(hash);
            Ok(())
        };
        for _ in 0..2 {
            hash()?; // first-touch page faults of the 19 MiB block array
        }
        let before = cpu::Snapshot::take()?;
        let faults = cpu::this_thread_faults()?;
        let started = Instant::now();
        for _ in 0..HASHES {
            hash()?;
        }
        let per_hash = started.elapsed() / HASHES;
        let faults_per_hash = (cpu::this_thread_faults()? - faults) / u64::from(HASHES);

        let mut memory = vec![argon2::Block::default(); params.block_count()];
        let mut output = [0; 32];
        let mut hash_reusing = || {
            reusing
                .hash_password_into_with_memory(
                    common::PASSWORD.as_bytes(),
                    b"sixteen byte salt",
                    &mut output,
                    &mut memory,
                )
                .map_err(|error| anyhow!("{error}"))
        };
        hash_reusing()?;
        let faults = cpu::this_thread_faults()?;
        let started = Instant::now();
        for _ in 0..HASHES {
            hash_reusing()?;
        }
        let reused_per_hash = started.elapsed() / HASHES;
        let reused_faults_per_hash = (cpu::this_thread_faults()? - faults) / u64::from(HASHES);

        // Each thread warms up its own allocator arena, then all start together.
        let start_line = std::sync::Barrier::new(cores);
        let parallel_rate = std::thread::scope(|scope| -> anyhow::Result<f64> {
            let workers: Vec<_> = (0..cores)
                .map(|_| {
                    scope.spawn(|| -> anyhow::Result<f64> {
                        let mut memory = vec![argon2::Block::default(); params.block_count()];
                        let mut output = [0; 32];
                        let mut hash_reusing = || {
                            reusing_parallel
                                .hash_password_into_with_memory(
                                    common::PASSWORD.as_bytes(),
                                    b"sixteen byte salt",
                                    &mut output,
                                    &mut memory,
                                )
                                .map_err(|error| anyhow!("{error}"))
                        };
                        hash_reusing()?;
                        start_line.wait();
                        let started = Instant::now();
                        for _ in 0..HASHES {
                            hash_reusing()?;
                        }
                        Ok(f64::from(HASHES) / started.elapsed().as_secs_f64())
                    })
                })
                .collect();
            let mut rate = 0.0;
            for worker in workers {
                rate += worker
                    .join()
                    .map_err(|_| anyhow!("a hashing thread panicked"))??;
            }
            Ok(rate)
        })?;
        let usage = cpu::Usage::between(&before, &cpu::Snapshot::take()?);

        let ceiling = Self {
            cores,
            params: format!(
                "{algorithm} m={} KiB t={} p={}",
                params.m_cost(),
                params.t_cost(),
                params.p_cost()
            ),
            per_hash,
            faults_per_hash,
            reused_per_hash,
            reused_faults_per_hash,
            parallel_rate,
        };
        Ok((ceiling, usage))
    }

    /// Cores ÷ the time of one hash done the way the server does it.
    pub fn ceiling(&self) -> f64 {
        self.cores as f64 / self.reused_per_hash.as_secs_f64()
    }
}

impl std::fmt::Display for Argon2Ceiling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} (the server's parameters), hashed as the server does (one working memory \
             reused per thread): {:.1} ms per hash, mean of {HASHES} on one thread, {} page faults",
            self.params,
            self.reused_per_hash.as_secs_f64() * 1e3,
            self.reused_faults_per_hash
        )?;
        writeln!(
            f,
            "ceiling = {} cores / {:.1} ms = {:.1} sign-ins/s",
            self.cores,
            self.reused_per_hash.as_secs_f64() * 1e3,
            self.ceiling()
        )?;
        writeln!(
            f,
            "({} threads hashing at once manage {:.1} hashes/s)",
            self.cores, self.parallel_rate
        )?;
        write!(
            f,
            "(argon2's allocating API, a fresh block array per hash: {:.1} ms and {} page \
             faults per hash)",
            self.per_hash.as_secs_f64() * 1e3,
            self.faults_per_hash
        )
    }
}
