/// The built-in scenarios, in catalogue order. Each lives in its own file
/// under Catalogue/<Category>/; shared metric specs and queueing models are
/// in Catalogue/Support/.
public enum BuiltinCatalogue {
    public static let all: [Scenario] = [
        // The seed product's sixteen.
        FixedLatency.scenario,
        ErrorBurst.scenario,
        SlowDbQuery.scenario,
        LockContention.scenario,
        AlgorithmicDegradation.scenario,
        CircuitBreaker.scenario,
        RetryStorm.scenario,
        ConnectionPoolExhaustion.scenario,
        CacheStampede.scenario,
        CpuSpike.scenario,
        MemoryLeak.scenario,
        DiskFull.scenario,
        NetworkPartition.scenario,
        ClockSkew.scenario,
        ResourceStarvation.scenario,
        StaleRead.scenario,
        // Caching.
        CacheWarmingFailure.scenario,
        CacheInvalidationRace.scenario,
        ReadThroughCacheFailure.scenario,
        WriteBehindCacheLag.scenario,
        // Database.
        NPlusOneQuery.scenario,
        MissingIndex.scenario,
        Deadlock.scenario,
        ConnectionLeak.scenario,
        LongRunningTransaction.scenario,
        // API and network.
        RateLimit.scenario,
        TimeoutCascade.scenario,
        PartialResponse.scenario,
        ApiVersionMismatch.scenario,
        DnsResolutionFailure.scenario,
        // Concurrency.
        DoubleWrite.scenario,
        PhantomRead.scenario,
        OptimisticLockingCollision.scenario,
        AsyncCallbackStorm.scenario,
        EventOrderingViolation.scenario,
        // Latency.
        VariableLatency.scenario,
        TailLatency.scenario,
        TimeoutTooShort.scenario,
        TimeoutTooLong.scenario,
        SlowStart.scenario,
        // HTTP.
        Intermittent5xx.scenario,
        Backpressure503.scenario,
        BadGateway502.scenario,
        ClientDisconnect499.scenario,
        RateLimit429.scenario,
        // Resources.
        ThreadPoolExhaustion.scenario,
        FileDescriptorLeak.scenario,
        MemoryPressure.scenario,
        DiskIoSaturation.scenario,
        BandwidthLimit.scenario,
        // Performance benchmarking: the compared variants run for real at enable.
        BinarySearchVsLinear.scenario,
        HashmapVsTreemap.scenario,
        BatchVsSingle.scenario,
        AsyncVsSyncIo.scenario,
        JsonVsProtobuf.scenario,
        EagerVsLazyLoading.scenario,
        PaginationStrategies.scenario,
        SortingAlgorithms.scenario,
        CompressionTradeoffs.scenario,
        CachingLayers.scenario,
        // Compliance and security: probes of the host's own defences, never a weakening of them.
        PiiLeak.scenario,
        AuditLogFailure.scenario,
        EncryptionOverhead.scenario,
        AuthBypass.scenario,
        SqlInjection.scenario,
        CsrfAttack.scenario,
        DataBreach.scenario,
        ComplianceViolation.scenario,
        // Cost optimisation: waste priced at configurable rates.
        OversizedResponse.scenario,
        InefficientSerialization.scenario,
        ColdStart.scenario,
        IdleConnection.scenario,
        UncompressedPayload.scenario,
        UnnecessaryPolling.scenario,
        OverProvisionedResources.scenario,
        DataTransferCosts.scenario,
        // Mobile and edge: the client's network, radio and lifecycle.
        FlakyMobileNetwork.scenario,
        BatteryDrain.scenario,
        OfflineFirstSync.scenario,
        ThreeGBandwidthLimit.scenario,
        MobileTimeout.scenario,
        CellularVsWifi.scenario,
        AppBackgroundKill.scenario,
        PoorCellularSignal.scenario,
        // AI/ML workloads: model serving, features and accelerators.
        ModelServingColdStart.scenario,
        InferenceTimeout.scenario,
        FeatureStoreLag.scenario,
        GpuContention.scenario,
        ModelVersionMismatch.scenario,
        BatchInferenceDelay.scenario,
        FeatureDrift.scenario,
        ModelMemoryOom.scenario,
        // Event sourcing: these act on the order module (SyslabOrders).
        EventReplayLag.scenario,
        EventOrderingIssue.scenario,
        SnapshotCorruption.scenario,
        SagaCompensationFailure.scenario,
    ]
}

/// Latency histogram buckets in seconds shared by latency scenarios.
public enum LatencyBuckets {
    public static let seconds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
}
