/* The physical limit igncc's build is measured against: writes a tree given as a bundle
 * (for each file: "<mode-octal> <length> <path>\n" then <length> bytes) with plain
 * mkdir/open/write/close, no hashing, no staging, no flush. The bundle is read into memory
 * first; only the writing is timed. Usage: plain-writer BUNDLE OUTDIR  (prints seconds). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void mkdirs(char *path) {
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(path, 0755) != 0 && errno != EEXIST) { perror(path); exit(1); }
        *p = '/';
    }
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: plain-writer BUNDLE OUTDIR\n"); return 2; }
    FILE *in = fopen(argv[1], "rb");
    if (!in) { perror(argv[1]); return 1; }
    fseek(in, 0, SEEK_END);
    long size = ftell(in);
    fseek(in, 0, SEEK_SET);
    char *data = malloc(size + 1);
    if (fread(data, 1, size, in) != (size_t)size) { perror("read"); return 1; }
    fclose(in);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (mkdir(argv[2], 0755) != 0) { perror(argv[2]); return 1; }
    char path[4096];
    long files = 0;
    for (char *p = data; p < data + size;) {
        /* Parsed by hand: sscanf would measure the rest of the bundle (strlen) on every call. */
        char *end;
        unsigned mode = (unsigned)strtoul(p, &end, 8);
        long length = strtol(end + 1, &end, 10);
        char *newline = memchr(end + 1, '\n', data + size - (end + 1));
        if (!newline || *end != ' ') { fprintf(stderr, "bad bundle\n"); return 1; }
        snprintf(path, sizeof path, "%s/%.*s", argv[2], (int)(newline - end - 1), end + 1);
        p = newline + 1;
        mkdirs(path);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        if (fd < 0) { perror(path); return 1; }
        for (long off = 0; off < length;) {
            ssize_t n = write(fd, p + off, length - off);
            if (n < 0) { perror("write"); return 1; }
            off += n;
        }
        close(fd);
        p += length;
        files++;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%.4f %ld\n", (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, files);
    return 0;
}
