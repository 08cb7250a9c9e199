/*
 * The benches' cheapest stand-in: the rules of test/stand-ins/stand-in.mjs in a flat file, matched in C,
 * so 600 calls cost the product's work and the 0.3 s each one sleeps, not a node or shell start-up each.
 * bench/native-stand-ins.ts writes the rules file and compiles this when a C compiler is there.
 *
 * Usage: a symlink named after the tool (docker, kubectl...) to this binary, with MTT_RULES naming the rules.
 * RULES: one rule per line, fields separated by \x1e: tool, match (exact|prefix|contains), sleep ms,
 * exit code, stdout file, stderr file, then the arguments separated by \x1f. Files may be empty fields.
 * 'contains' is the node stand-in's: every argument of the rule is somewhere in argv. Like the real tools,
 * `logs … --tail N` prints only the last N lines of the rule's output.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void copy_file(const char *path, int out) {
  if (!*path) return;
  int fd = open(path, O_RDONLY);
  if (fd < 0) return;
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
    ssize_t off = 0;
    while (off < n) {
      ssize_t w = write(out, buf + off, (size_t)(n - off));
      if (w <= 0) { close(fd); return; }
      off += w;
    }
  }
  close(fd);
}

/* `logs … --tail N` (docker, kubectl): only the last N lines of what the rule prints, as the real tools do. */
static long tail_lines(int argc, char **argv) {
  int logs = 0;
  for (int i = 0; i < argc; i++) if (strcmp(argv[i], "logs") == 0) logs = 1;
  for (int i = 0; logs && i + 1 < argc; i++) if (strcmp(argv[i], "--tail") == 0) return atol(argv[i + 1]);
  return -1;
}

static void copy_tail(const char *path, int out, long n) {
  if (n < 0) { copy_file(path, out); return; }
  if (!*path || n == 0) return;
  int fd = open(path, O_RDONLY);
  if (fd < 0) return;
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size == 0) { close(fd); return; }
  char *buf = malloc((size_t)st.st_size);
  ssize_t got = 0;
  while (got < st.st_size) {
    ssize_t r = read(fd, buf + got, (size_t)(st.st_size - got));
    if (r <= 0) break;
    got += r;
  }
  close(fd);
  ssize_t start = got;
  if (start > 0 && buf[start - 1] == '\n') start--; /* the last line's own newline */
  long seen = 0;
  while (start > 0) {
    if (buf[start - 1] == '\n' && ++seen == n) break;
    start--;
  }
  ssize_t off = start;
  while (off < got) {
    ssize_t w = write(out, buf + off, (size_t)(got - off));
    if (w <= 0) break;
    off += w;
  }
  free(buf);
}

static int in_argv(const char *a, size_t len, int argc, char **argv) {
  for (int i = 0; i < argc; i++) if (strlen(argv[i]) == len && memcmp(argv[i], a, len) == 0) return 1;
  return 0;
}

/* Does the rule's argument list (\x1f-separated, [s, e)) match argv? */
static int matches(const char *match, char *s, char *e, int argc, char **argv) {
  int n = 0;
  char *p = s;
  while (p < e) {
    char *q = memchr(p, '\x1f', (size_t)(e - p));
    if (!q) q = e;
    size_t len = (size_t)(q - p);
    if (strcmp(match, "contains") == 0) {
      if (!in_argv(p, len, argc, argv)) return 0;
    } else {
      if (n >= argc || strlen(argv[n]) != len || memcmp(argv[n], p, len) != 0) return 0;
    }
    n++;
    p = q + 1;
  }
  if (strcmp(match, "exact") == 0) return n == argc;
  return 1;
}

int main(int argc, char **argv) {
  const char *slash = strrchr(argv[0], '/');
  const char *tool = slash ? slash + 1 : argv[0];
  int nargs = argc - 1;
  char **args = argv + 1;
  const char *path = getenv("MTT_RULES");
  if (!path) return 127;
  int fd = open(path, O_RDONLY);
  if (fd < 0) return 127;
  struct stat st;
  fstat(fd, &st);
  char *rules = malloc((size_t)st.st_size + 1);
  ssize_t got = 0;
  while (got < st.st_size) {
    ssize_t n = read(fd, rules + got, (size_t)(st.st_size - got));
    if (n <= 0) break;
    got += n;
  }
  rules[got] = 0;
  close(fd);
  for (char *line = rules; *line;) {
    char *end = strchr(line, '\n');
    if (!end) end = line + strlen(line);
    char *f[6];
    char *p = line;
    int k = 0;
    for (; k < 6 && p < end; k++) {
      f[k] = p;
      char *sep = memchr(p, '\x1e', (size_t)(end - p));
      if (!sep) { p = end; k++; break; }
      *sep = 0;
      p = sep + 1;
    }
    if (k == 6 && strcmp(f[0], tool) == 0 && matches(f[1], p, end, nargs, args)) {
      long ms = atol(f[2]);
      if (ms > 0) {
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
      }
      long tail = tail_lines(nargs, args);
      copy_tail(f[4], 1, tail);
      copy_tail(f[5], 2, tail);
      return atoi(f[3]);
    }
    line = *end ? end + 1 : end;
  }
  fprintf(stderr, "%s stand-in: no rule\n", tool);
  return 1;
}
