enum SyslabSimulationModule {}
