import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import SyslabCore

/// The AI/ML workload scenarios: serving, features and accelerators, in numbers.
@Suite("Catalogue: AI/ML workloads")
struct CatalogueMachineLearningTests {
    @Test func idleModelsReloadTheirWeights() throws {
        let h = try CatalogueHarness("model-serving-cold-start", [
            "model_bytes": 14_000_000_000, "load_bytes_per_second": 2_000_000_000, "warmup_ms": 3_000, "keep_loaded_seconds": 600,
        ])
        #expect(h.metric("model_load_seconds", LabelValues("model-serving-cold-start")) == 10, "14 GB at 2 GB/s plus 3 s of warm-up")
        var cold: [Int] = []
        for (i, gap) in [300.0, 300, 601, 10, 0].enumerated() {
            if try h.decide() == [.delay(seconds: 10)] { cold.append(i) }
            h.advance(gap)
        }
        #expect(cold == [0, 3], "the first request, and the one after a gap of 601 s")
        #expect(h.metric("model_loads_total", LabelValues("model-serving-cold-start")) == 2)
    }

    @Test func longGenerationsOutlastTheTimeout() throws {
        let h = try CatalogueHarness("inference-timeout", [
            "time_to_first_token_ms": 400, "ms_per_token": 30, "mean_output_tokens": 300, "max_output_tokens": 4_096, "client_timeout_ms": 15_000,
        ])
        let p = InferenceTimeout.timeoutProbability(ttftMs: 400, msPerToken: 30, meanTokens: 300, maxTokens: 4_096, timeoutMs: 15_000)
        #expect(abs(p - exp(-14_600.0 / 30 / 300)) < 1e-12 && p > 0.19 && p < 0.2, "about one in five outlasts 15 s")
        let decisions = try h.run(20_000)
        let timedOut = decisions.filter { $0 == [.timeout(seconds: 15)] }.count
        #expect(abs(Double(timedOut) / 20_000 - p) < 0.015, "\(timedOut) of 20000")
        #expect(decisions.allSatisfy { $0.count == 1 && ($0[0].kind == .timeout || $0[0].seconds <= 15) })
        #expect(h.metric("http_client_timeouts_total", LabelValues("inference-timeout")) == Double(timedOut))
        let budgeted = try CatalogueHarness("inference-timeout", ["max_output_tokens": 400, "client_timeout_ms": 15_000])
        #expect(try budgeted.run(2_000).allSatisfy { !$0.has(.timeout) }, "a token cap within the timeout: 0.4 + 400 x 0.03 = 12.4 s")
    }

    @Test func onlineFeaturesAgeInASawtooth() throws {
        let h = try CatalogueHarness("feature-store-lag", ["materialization_interval_seconds": 3_600, "pipeline_delay_seconds": 600, "freshness_target_seconds": 1_800])
        let ages = try h.run(7_200, every: 1).map { $0.first(.staleRead)?.seconds ?? -1 }
        #expect(ages.min() == 600 && ages.max() == 600 + 3_599)
        #expect(ages[3_600] == 600, "a fresh run resets the age")
        // Older than 30 minutes for the last 2399 s of each hour.
        #expect(h.metric("feature_freshness_violations_total", LabelValues("feature-store-lag")) == 4_798)
        let staleness = try #require(h.histogram("data_staleness_seconds", LabelValues("feature-store-lag")))
        #expect(staleness.count == 7_200 && abs(staleness.sum / 7_200 - (600 + 1_799.5)) < 1e-6)
    }

    @Test func timeSlicedGpusQueueABurst() throws {
        let h = try CatalogueHarness("gpu-contention", ["gpus": 2, "inference_ms": 100, "tenants_per_gpu": 2, "queue_timeout_ms": 500])
        let burst = try h.run(10)
        // Each inference holds its GPU 0.2 s; two at a time: waits 0, 0, 0.2, 0.2, 0.4, 0.4, then 0.6 > 0.5 s is rejected.
        let waits = burst.prefix(6).map { $0.first(.queueWait)?.seconds ?? 0 }
        #expect(zip(waits, [0, 0, 0.2, 0.2, 0.4, 0.4]).allSatisfy { abs($0 - $1) < 1e-9 }, "\(waits)")
        #expect(burst.prefix(6).allSatisfy { abs(($0.first(.delay)?.seconds ?? 0) - 0.2) < 1e-9 })
        #expect(burst.suffix(4).allSatisfy { $0 == [.error(status: 503)] })
        #expect(h.metric("gpu_queue_rejections_total", LabelValues("gpu-contention")) == 4)
        h.advance(1)
        #expect(try h.decide() == [.delay(seconds: 0.2)], "once the burst has drained a request runs at once, still time-sliced")
        let dedicated = try CatalogueHarness("gpu-contention", ["gpus": 2, "inference_ms": 100, "tenants_per_gpu": 1])
        #expect(try dedicated.decide() == [.delay(seconds: 0.1)])
    }

    @Test func staleReplicasAnswerWronglyUnlessTheyCheckTheSchema() throws {
        let silent = try CatalogueHarness("model-version-mismatch", ["stale_replica_fraction": 0.25, "schema_check": false, "wrong_answer_probability": 0.3])
        let wrong = try silent.run(20_000).filter { $0 == [.inconsistentRead(rows: 1)] }.count
        #expect(abs(Double(wrong) / 20_000 - 0.075) < 0.01, "a quarter of the traffic, wrong 30% of the time: \(wrong)")
        #expect(silent.metric("model_version_mismatches_total", LabelValues("model-version-mismatch", "silent")) == Double(wrong))
        let previous = try #require(silent.metric("model_version_requests_total", LabelValues("model-version-mismatch", "previous")))
        #expect(abs(previous / 20_000 - 0.25) < 0.015)
        let checked = try CatalogueHarness("model-version-mismatch", ["stale_replica_fraction": 0.25, "schema_check": true])
        let decisions = try checked.run(20_000)
        let rejected = decisions.filter { $0 == [.error(status: 422)] }.count
        #expect(abs(Double(rejected) / 20_000 - 0.25) < 0.015 && !decisions.contains { $0.has(.inconsistentRead) }, "fail closed: loud, never wrong")
    }

    @Test func batchesThatNeverFillMakeEveryoneWait() throws {
        let quiet = try CatalogueHarness("batch-inference-delay", ["max_batch_size": 32, "max_wait_ms": 50, "arrival_rate_per_second": 100, "batch_overhead_ms": 10, "per_item_ms": 1])
        // At 100/s a batch of 32 would take 310 ms to fill: it leaves after 50 ms with 1 + 5 requests.
        #expect(quiet.metric("inference_batch_size", LabelValues("batch-inference-delay")) == 6)
        let quietWaits = try quiet.run(10_000).map { $0.first(.queueWait)?.seconds ?? 0 }
        #expect(quietWaits.allSatisfy { $0 <= 0.05 } && abs(quietWaits.reduce(0, +) / 10_000 - 0.025) < 0.001)
        #expect(try quiet.decide().last == .delay(seconds: 0.016), "10 ms + 6 x 1 ms")
        let busy = try CatalogueHarness("batch-inference-delay", ["max_batch_size": 32, "max_wait_ms": 50, "arrival_rate_per_second": 3_100, "batch_overhead_ms": 10, "per_item_ms": 1])
        #expect(busy.metric("inference_batch_size", LabelValues("batch-inference-delay")) == 32)
        let busyWaits = try busy.run(10_000).map { $0.first(.queueWait)?.seconds ?? 0 }
        #expect(busyWaits.allSatisfy { $0 <= 0.01 + 1e-12 }, "31 / 3100 = 10 ms to fill")
    }

    @Test func driftingInputsRaiseTheErrorRate() throws {
        let h = try CatalogueHarness("feature-drift", ["separation": 1.5, "drift_stddevs_per_hour": 0.5, "max_shift_stddevs": 3])
        func wrongShare() throws -> Double { Double(try h.run(20_000).filter { $0.has(.inconsistentRead) }.count) / 20_000 }
        let atStart = try wrongShare()
        #expect(abs(atStart - FeatureDrift.phi(-1.5)) < 0.006, "6.7% wrong before any drift: \(atStart)")
        h.advance(4 * 3_600)
        let afterFourHours = try wrongShare()
        let expected = FeatureDrift.errorRate(separation: 1.5, shift: 2)
        #expect(abs(expected - 0.346) < 0.001 && abs(afterFourHours - expected) < 0.012, "two standard deviations later: \(afterFourHours)")
        let wrong = try #require(h.metric("model_predictions_total", LabelValues("feature-drift", "wrong")))
        #expect(abs(wrong - (atStart + afterFourHours) * 20_000) < 1e-6)
    }

    @Test func kvCacheBeyondMemoryFailsTheExcess() throws {
        let h = try CatalogueHarness("model-memory-oom", [
            "gpu_memory_bytes": 85_899_345_920, "model_bytes": 14_000_000_000, "kv_bytes_per_token": 524_288, "context_tokens": 4_096, "concurrent_requests": 40,
        ])
        // (80 GiB - 14 GB) / (4096 x 0.5 MiB = 2 GiB) = 33.5: 33 fit, 7 of 40 fail.
        #expect(h.metric("model_max_concurrent_requests", LabelValues("model-memory-oom")) == 33)
        let failed = try h.run(20_000).filter { $0 == [.error(status: 503)] }.count
        #expect(abs(Double(failed) / 20_000 - 7.0 / 40) < 0.012)
        #expect(h.metric("model_oom_errors_total", LabelValues("model-memory-oom")) == Double(failed))
        let shorter = try CatalogueHarness("model-memory-oom", ["context_tokens": 2_048, "concurrent_requests": 40])
        #expect(try shorter.run(1_000).allSatisfy(\.isEmpty), "half the context: 66 fit")
    }
}
