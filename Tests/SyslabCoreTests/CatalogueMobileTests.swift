import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import SyslabCore

/// The mobile and edge scenarios: the phone's network, radio and lifecycle, in numbers.
@Suite("Catalogue: mobile and edge")
struct CatalogueMobileTests {
    @Test func flakyLinksLoseRequestsInBursts() throws {
        let h = try CatalogueHarness("flaky-mobile-network", [
            "enter_bad_probability": 0.05, "leave_bad_probability": 0.3, "good_loss_probability": 0.001, "bad_loss_probability": 0.5,
            "good_rtt_ms": 80, "bad_rtt_ms": 900,
        ])
        let lost = try h.run(20_000).map { $0.has(.drop) }
        let rate = Double(lost.filter { $0 }.count) / Double(lost.count)
        // The link is bad 0.05 / (0.05 + 0.3) of the time: 1/7 x 0.5 + 6/7 x 0.001 = 7.23% lost.
        #expect(abs(rate - 0.0723) < 0.015, "loss rate \(rate)")
        let afterLoss = zip(lost, lost.dropFirst()).filter { $0.0 }
        let lossAfterLoss = Double(afterLoss.filter { $0.1 }.count) / Double(afterLoss.count)
        #expect(lossAfterLoss > 3 * rate, "losses cluster: \(lossAfterLoss) after a loss against \(rate) overall")
        #expect(h.metric("mobile_requests_lost_total", LabelValues("flaky-mobile-network")) == Double(lost.filter { $0 }.count))
        let bad = try #require(h.histogram("mobile_request_seconds", LabelValues("flaky-mobile-network", "bad")))
        #expect(abs(bad.sum - Double(bad.count) * 0.9) < 1e-6, "bad-state requests wait 900 ms")
    }

    @Test func spreadOutRequestsPayARadioTailEach() throws {
        let params: JSONValue = ["radio_active_watts": 1.2, "radio_tail_watts": 0.6, "tail_seconds": 10, "promotion_ms": 600, "transfer_ms": 300]
        let spread = try CatalogueHarness("battery-drain", params)
        let delays = try spread.run(10, every: 30)
        #expect(delays.allSatisfy { $0 == [.delay(seconds: 0.6)] }, "every request 30 s apart wakes the radio")
        let batched = try CatalogueHarness("battery-drain", params)
        let burst = try batched.run(10)
        #expect(burst.first == [.delay(seconds: 0.6)] && burst.dropFirst().allSatisfy(\.isEmpty))
        let spreadJoules = try #require(spread.metric("mobile_radio_energy_joules_total", LabelValues("battery-drain")))
        let batchedJoules = try #require(batched.metric("mobile_radio_energy_joules_total", LabelValues("battery-drain")))
        // Spread: 10 x (0.6 + 0.3) x 1.2 W + 9 full tails x 10 s x 0.6 W; batched: one wake-up, 10 transfers, no tail yet.
        #expect(abs(spreadJoules - (10 * 0.9 * 1.2 + 9 * 6)) < 1e-9)
        #expect(abs(batchedJoules - (0.6 * 1.2 + 10 * 0.3 * 1.2)) < 1e-9)
        #expect(spreadJoules > 10 * batchedJoules)
        #expect(spread.metric("mobile_radio_promotions_total", LabelValues("battery-drain")) == 10)
        #expect(batched.metric("mobile_radio_promotions_total", LabelValues("battery-drain")) == 1)
    }

    @Test func offlineWritesWaitForTheReconnectAndSomeConflict() throws {
        let h = try CatalogueHarness("offline-first-sync", ["cycle_seconds": 600, "offline_seconds": 120, "conflict_probability": 0.25])
        let decisions = try h.run(600, every: 1)
        let queued = decisions.filter { $0.has(.delay) }
        #expect(queued.count == 120, "the last 120 s of the 600 s cycle are offline")
        let waits = queued.compactMap { $0.first(.delay)?.seconds }
        #expect(waits.max() == 120 && waits.min() == 1 && abs(waits.reduce(0, +) / 120 - 60.5) < 1e-9)
        #expect(queued.allSatisfy { $0.first(.staleRead)?.seconds == $0.first(.delay)?.seconds })
        let conflicts = decisions.filter { $0.has(.lostWrite) }.count
        #expect(conflicts > 15 && conflicts < 45, "about a quarter of 120 queued writes conflict: \(conflicts)")
        #expect(h.metric("offline_queued_writes_total", LabelValues("offline-first-sync")) == 120)
        #expect(h.metric("offline_sync_conflicts_total", LabelValues("offline-first-sync")) == Double(conflicts))
    }

    @Test func threeGTakesSecondsPerQuarterMegabyte() throws {
        let h = try CatalogueHarness("3g-bandwidth-limit", ["bytes_per_second": 48_000, "rtt_ms": 300, "handshake_round_trips": 3, "response_bytes": 262_144])
        #expect(try h.decide() == [.delay(seconds: 0.9), .bandwidth(bytesPerSecond: 48_000)])
        let seconds = try #require(h.histogram("mobile_request_seconds", LabelValues("3g-bandwidth-limit", "3g")))
        #expect(abs(seconds.sum - (0.9 + 262_144.0 / 48_000)) < 1e-9, "6.36 s for 256 KiB")
        let reused = try CatalogueHarness("3g-bandwidth-limit", ["handshake_round_trips": 1])
        #expect(try reused.decide() == [.delay(seconds: 0.3), .bandwidth(bytesPerSecond: 48_000)])
    }

    @Test func aShortTimeoutAbandonsTheMobileTail() throws {
        let h = try CatalogueHarness("mobile-timeout", ["latency_mean_ms": 1_500, "latency_stddev_ms": 2_000, "client_timeout_ms": 3_000, "retries": 1])
        let p = MobileTimeout.timeoutProbability(meanMs: 1_500, stddevMs: 2_000, timeoutMs: 3_000)
        #expect(p > 0.1 && p < 0.2, "one attempt in \(1 / p) outlasts 3 s")
        let decisions = try h.run(20_000)
        let failed = decisions.filter { $0 == [.timeout(seconds: 6)] }.count
        let retried = decisions.filter { $0.has(.retry) }.count
        #expect(abs(Double(failed) / 20_000 - p * p) < 0.006, "both attempts time out: \(failed)")
        #expect(abs(Double(retried) / 20_000 - p * (1 - p)) < 0.012, "the retry succeeds: \(retried)")
        #expect(decisions.filter { $0.has(.retry) }.allSatisfy { $0.first(.retry) == .retry(attempts: 1, seconds: 3) })
        #expect(h.metric("http_client_timeouts_total", LabelValues("mobile-timeout")) == Double(2 * failed + retried))
        let patient = try CatalogueHarness("mobile-timeout", ["client_timeout_ms": 30_000])
        #expect(try patient.run(2_000).filter { $0.has(.timeout) }.count < 10, "a timeout set from field p99 rarely fires")
    }

    @Test func cellularUsersSeeTheSlowMode() throws {
        let h = try CatalogueHarness("cellular-vs-wifi", ["cellular_fraction": 0.4, "response_bytes": 500_000])
        let delays = try h.run(10_000).map { $0.first(.delay)?.seconds ?? -1 }
        let cellular = delays.filter { abs($0 - 0.52) < 1e-9 }.count, wifi = delays.filter { abs($0 - 0.1) < 1e-9 }.count
        #expect(cellular + wifi == 10_000, "0.12 + 500 kB at 1.25 MB/s, or 0.02 + 500 kB at 6.25 MB/s")
        #expect(abs(Double(cellular) - 4_000) < 200)
        #expect(h.metric("mobile_requests_total", LabelValues("cellular-vs-wifi", "cellular")) == Double(cellular))
        #expect(abs(quantile(delays, 0.5) - 0.1) < 1e-9 && abs(quantile(delays, 0.75) - 0.52) < 1e-9, "the median hides the cellular quartile")
    }

    @Test func killedAppsAbandonRequestsAndRelaunchCold() throws {
        let h = try CatalogueHarness("app-background-kill", ["kill_probability": 0.05, "request_ms": 2_000, "relaunch_requests": 6, "relaunch_request_ms": 50])
        let decisions = try h.run(10_000)
        let kills = decisions.filter { $0.has(.drop) }
        #expect(abs(Double(kills.count) - 500) < 90)
        #expect(kills.allSatisfy { $0[0].status == 499 && $0[0].seconds >= 0 && $0[0].seconds < 2 })
        // Every run of kills is followed by exactly one cold relaunch.
        let runsEndingBeforeASurvivor = zip(decisions, decisions.dropFirst()).filter { $0.0.has(.drop) && !$0.1.has(.drop) }.count
        let relaunches = decisions.filter { $0 == [.extraQueries(6, secondsEach: 0.05)] }.count
        #expect(relaunches == runsEndingBeforeASurvivor && relaunches > 400)
        #expect(h.metric("mobile_cold_relaunches_total", LabelValues("app-background-kill")) == Double(relaunches))
        #expect(h.metric("mobile_app_kills_total", LabelValues("app-background-kill")) == Double(kills.count))
    }

    @Test func weakSignalCutsCapacityAndAddsRetransmissions() throws {
        let poor = try CatalogueHarness("poor-cellular-signal", ["signal_dbm": -110, "noise_dbm": -120, "channel_hz": 5_000_000, "spectral_efficiency": 0.5, "rtt_ms": 100])
        let good = try CatalogueHarness("poor-cellular-signal", ["signal_dbm": -90, "noise_dbm": -120, "channel_hz": 5_000_000, "spectral_efficiency": 0.5, "rtt_ms": 100])
        let poorRate = try #require(poor.metric("mobile_link_capacity_bytes_per_second", LabelValues("poor-cellular-signal")))
        let goodRate = try #require(good.metric("mobile_link_capacity_bytes_per_second", LabelValues("poor-cellular-signal")))
        // Shannon: 5 MHz x log2(1 + SNR) x 0.5 / 8 bits; SNR 10 dB = 10, 30 dB = 1000.
        #expect(abs(poorRate - 5_000_000 * log2(11.0) * 0.5 / 8) < 1e-3)
        #expect(abs(goodRate / poorRate - log2(1001.0) / log2(11.0)) < 1e-9, "20 dB more signal: 2.9x the throughput")
        #expect(poor.metric("mobile_signal_to_noise_db", LabelValues("poor-cellular-signal")) == 10)
        let decisions = try poor.run(20_000)
        #expect(decisions.allSatisfy { Array($0.prefix(2)) == [.delay(seconds: 0.1), .bandwidth(bytesPerSecond: poorRate)] })
        let retransmitted = decisions.filter { $0.has(.retry) }.count
        #expect(abs(Double(retransmitted) / 20_000 - 1 / 11.0) < 0.01, "1 in 11 at 10 dB: \(retransmitted)")
        #expect(try good.run(20_000).filter { $0.has(.retry) }.count < 60, "1 in 1001 at 30 dB")
    }
}
