package io.kvframework.spring.boot;

import java.time.Duration;

/** Settings of a stream engine (the drainer's, the bridge's). */
public class KvEngineProperties {
    /** Whether the component runs in this application. */
    private boolean enabled;
    /** This instance's name in the consumer group (default: host name and a random suffix). */
    private String instanceId;
    /** Entries per batch over all owned shards. */
    private Integer batchSize;
    /** Batches in flight to the sink while the next ones are read (1: one at a time). */
    private Integer maxInFlightBatches;
    /** Pause between reads while the streams are empty. */
    private Duration pollInterval;
    /** How long a shard lease lasts without renewal. */
    private Duration leaseTtl;
    /** How often leases are renewed (less than a third of leaseTtl). */
    private Duration leaseRenewInterval;
    /** First pause after a failed write. */
    private Duration retryInitial;
    /** Longest pause between retries. */
    private Duration retryMax;
    /** How often streams are trimmed and lag is measured. */
    private Duration maintenanceInterval;
    /** A shard without progress for this long makes health DOWN (stalled). */
    private Duration stallTimeout;
    /** An oldest unacknowledged entry older than this makes health DEGRADED (lagging). */
    private Duration lagThreshold;

    KvEngineProperties(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getInstanceId() {
        return instanceId;
    }

    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    public Integer getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(Integer batchSize) {
        this.batchSize = batchSize;
    }

    public Integer getMaxInFlightBatches() {
        return maxInFlightBatches;
    }

    public void setMaxInFlightBatches(Integer maxInFlightBatches) {
        this.maxInFlightBatches = maxInFlightBatches;
    }

    public Duration getPollInterval() {
        return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    public Duration getLeaseTtl() {
        return leaseTtl;
    }

    public void setLeaseTtl(Duration leaseTtl) {
        this.leaseTtl = leaseTtl;
    }

    public Duration getLeaseRenewInterval() {
        return leaseRenewInterval;
    }

    public void setLeaseRenewInterval(Duration leaseRenewInterval) {
        this.leaseRenewInterval = leaseRenewInterval;
    }

    public Duration getRetryInitial() {
        return retryInitial;
    }

    public void setRetryInitial(Duration retryInitial) {
        this.retryInitial = retryInitial;
    }

    public Duration getRetryMax() {
        return retryMax;
    }

    public void setRetryMax(Duration retryMax) {
        this.retryMax = retryMax;
    }

    public Duration getMaintenanceInterval() {
        return maintenanceInterval;
    }

    public void setMaintenanceInterval(Duration maintenanceInterval) {
        this.maintenanceInterval = maintenanceInterval;
    }

    public Duration getStallTimeout() {
        return stallTimeout;
    }

    public void setStallTimeout(Duration stallTimeout) {
        this.stallTimeout = stallTimeout;
    }

    public Duration getLagThreshold() {
        return lagThreshold;
    }

    public void setLagThreshold(Duration lagThreshold) {
        this.lagThreshold = lagThreshold;
    }
}
