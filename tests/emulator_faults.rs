//! Injected faults are reproducible with a seed, over real HTTPS: the same
//! requests against two emulators with one seed meet the same faults; 429 and
//! 503 carry `Retry-After`; a `reset` drops the connection; the record holds
//! every request, dropped ones included.

mod emulator_common;

use emulator_common::*;
use restoreplan::emulator::EmulatorHandle;
use restoreplan::emulator::faults::FaultSpec;

/// Sends the same 40 reads and returns what each met: a status, `reset` for
/// a dropped connection, and whether a 429/503 carried `Retry-After`.
async fn outcomes(emulator: &EmulatorHandle) -> Vec<String> {
    let client = client(emulator);
    let token = token(emulator, &client).await;
    let mut seen = Vec::new();
    for i in 0..40 {
        let url = format!("{}&n={}", storage_config_url(emulator), i % 5);
        match client.get(&url).bearer_auth(&token).send().await {
            Err(_) => seen.push("reset".to_owned()),
            Ok(response) => {
                let status = response.status().as_u16();
                let retry_after = response.headers().contains_key("retry-after");
                if matches!(status, 429 | 503) {
                    assert!(retry_after, "{status} without Retry-After");
                }
                seen.push(status.to_string());
            }
        }
    }
    seen
}

async fn faulty(seed: u64) -> EmulatorHandle {
    start(move |config| {
        config.faults = FaultSpec::parse("429=0.15,500=0.1,503=0.1,reset=0.1").expect("spec");
        config.seed = seed;
    })
    .await
}

#[tokio::test]
async fn the_same_seed_meets_the_same_faults_and_every_request_is_recorded() {
    let first = faulty(42).await;
    let second = faulty(42).await;
    let a = outcomes(&first).await;
    let b = outcomes(&second).await;
    assert_eq!(a, b);
    for kind in ["200", "429", "500", "503", "reset"] {
        assert!(
            a.iter().any(|seen| seen == kind),
            "{kind} never happened in {a:?}"
        );
    }
    let recorded: Vec<String> = first
        .recorded()
        .iter()
        .skip(1) // the token request
        .map(|r| {
            if r.status == 0 {
                "reset".to_owned()
            } else {
                r.status.to_string()
            }
        })
        .collect();
    assert_eq!(
        recorded, a,
        "the record holds every request with what it met"
    );

    let third = faulty(43).await;
    assert_ne!(outcomes(&third).await, a, "another seed, other faults");
    for emulator in [first, second, third] {
        emulator.shutdown().await;
    }
}

#[tokio::test]
async fn faults_spare_the_token_endpoint_and_the_world() {
    let emulator = start(|config| {
        config.faults = FaultSpec::parse("500=1").expect("spec");
    })
    .await;
    let client = client(&emulator);
    let token = token(&emulator, &client).await;
    let world = client
        .get(format!("{}/_emulator/world", emulator.base_url))
        .send()
        .await
        .expect("world");
    assert_eq!(world.status(), 200);
    let arm = client
        .get(storage_config_url(&emulator))
        .bearer_auth(&token)
        .send()
        .await
        .expect("ARM");
    let (status, body) = status_and_json(arm).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (500, Some("InternalServerError"))
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_slow_fault_answers_late_but_answers() {
    let emulator = start(|config| {
        config.faults = FaultSpec::parse("slow=1").expect("spec");
    })
    .await;
    let client = client(&emulator);
    let token = token(&emulator, &client).await;
    let started = std::time::Instant::now();
    let response = client
        .get(storage_config_url(&emulator))
        .bearer_auth(&token)
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), 200);
    assert!(started.elapsed() >= restoreplan::emulator::SLOW_DELAY);
    emulator.shutdown().await;
}
