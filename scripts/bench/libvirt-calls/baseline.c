/*
 * C baseline for scripts/bench/libvirt-calls: the cost of the same libvirt calls with no
 * JavaScript anywhere. run.ts compiles this with `gcc -O2 ... -lvirt` in every run, so the
 * ratios it reports compare against this machine, this libvirt and this moment's load.
 *
 * Usage: baseline <info_calls> <op_calls>
 * Prints one JSON line per measurement (one measurement of each kind per invocation):
 *   getInfo    virDomainGetInfo on a handle looked up once (what a sync koffi call adds to)
 *   op         virDomainLookupByUUIDString + virDomainGetInfo + virDomainFree, i.e. what
 *              Ferry's domainGetInfo operation does per call inside a pool Worker
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static double clock_ns(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "baseline: %s failed: %s\n", what, virGetLastErrorMessage());
    exit(1);
}

static void emit(const char *impl, long n, double t0, double t1, double c0, double c1) {
    printf("{\"impl\":\"%s\",\"calls\":%ld,\"wallNsPerCall\":%.2f,\"cpuNsPerCall\":%.2f}\n",
           impl, n, (t1 - t0) / (double)n, (c1 - c0) / (double)n);
}

static void silence(void *userData, virErrorPtr err) { (void)userData; (void)err; }

int main(int argc, char **argv) {
    long nInfo = argc > 1 ? atol(argv[1]) : 200000;
    long nOp = argc > 2 ? atol(argv[2]) : 50000;
    virSetErrorFunc(NULL, silence);

    virConnectPtr conn = virConnectOpen("test:///default");
    if (!conn) die("virConnectOpen");
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    if (!dom) die("virDomainLookupByName");
    char uuid[VIR_UUID_STRING_BUFLEN];
    if (virDomainGetUUIDString(dom, uuid) < 0) die("virDomainGetUUIDString");

    virDomainInfo info;
    volatile unsigned long long sink = 0;

    /* warm-up: caches, branch predictors, the test driver's first-use paths */
    for (long i = 0; i < 20000; i++) {
        if (virDomainGetInfo(dom, &info) < 0) die("virDomainGetInfo");
        sink += info.state;
    }
    for (long i = 0; i < 5000; i++) {
        virDomainPtr d = virDomainLookupByUUIDString(conn, uuid);
        if (!d) die("virDomainLookupByUUIDString");
        if (virDomainGetInfo(d, &info) < 0) die("virDomainGetInfo");
        sink += info.state;
        virDomainFree(d);
    }

    double t0 = clock_ns(CLOCK_MONOTONIC), c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    for (long i = 0; i < nInfo; i++) {
        if (virDomainGetInfo(dom, &info) < 0) die("virDomainGetInfo");
        sink += info.state;
    }
    double t1 = clock_ns(CLOCK_MONOTONIC), c1 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    emit("getInfo", nInfo, t0, t1, c0, c1);

    t0 = clock_ns(CLOCK_MONOTONIC); c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    for (long i = 0; i < nOp; i++) {
        virDomainPtr d = virDomainLookupByUUIDString(conn, uuid);
        if (!d) die("virDomainLookupByUUIDString");
        if (virDomainGetInfo(d, &info) < 0) die("virDomainGetInfo");
        sink += info.state;
        virDomainFree(d);
    }
    t1 = clock_ns(CLOCK_MONOTONIC); c1 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    emit("op", nOp, t0, t1, c0, c1);

    virDomainFree(dom);
    virConnectClose(conn);
    return sink == 42 ? 2 : 0; /* keeps `sink` observable */
}
