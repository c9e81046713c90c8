/* `can run` command line (pure): getopt into struct run_opts. The wall
 * names for --allow-degraded are the library's (sandbox/run_walls.c). */
#include "sandbox/run.h"
#include "util/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void run_opts_free(struct run_opts *o)
{
	free(o->recipes);
	free(o->ports);
	*o = (struct run_opts){ 0 };
}

enum { OPT_DEGRADED = 256, OPT_EVENTS, OPT_NEW_SESSION, OPT_PUBLISH_ANY };

int run_opts_parse(int argc, char **argv, struct run_opts *o, char *err, size_t errlen)
{
	static const struct option longs[] = {
		{ "recipe", required_argument, NULL, 'r' },
		{ "monitor", no_argument, NULL, 'm' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "strict", no_argument, NULL, 's' },
		{ "port", required_argument, NULL, 'p' },
		{ "allow-degraded", optional_argument, NULL, OPT_DEGRADED },
		{ "events", required_argument, NULL, OPT_EVENTS },
		{ "new-session", no_argument, NULL, OPT_NEW_SESSION },
		{ "publish-any", no_argument, NULL, OPT_PUBLISH_ANY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	*o = (struct run_opts){ 0 };
	o->recipes = xcalloc((size_t)argc + 1, sizeof(char *));
	/* -p specs are parsed after the loop: --publish-any may come later. */
	const char **specs = xcalloc((size_t)argc + 1, sizeof(char *));
	size_t nspecs = 0;
	int rc = 0;
	optind = 0; /* full re-initialisation: the parser may run more than once */
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+:r:msvp:h", longs, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->recipes[o->nrecipes++] = optarg;
			break;
		case 'm':
			o->monitor = true;
			break;
		case 's':
			o->strict = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'p':
			specs[nspecs++] = optarg;
			break;
		case OPT_PUBLISH_ANY:
			o->publish_any = true;
			break;
		case OPT_EVENTS:
			if (!*optarg) {
				snprintf(err, errlen, "--events: empty file name");
				goto usage;
			}
			o->events = optarg;
			break;
		case OPT_DEGRADED:
			if (!optarg)
				o->degrade |= WALL_ALL;
			else if (run_walls_parse(optarg, &o->degrade, err, errlen) < 0)
				goto usage;
			break;
		case OPT_NEW_SESSION:
			o->new_session = true;
			break;
		case 'h':
			rc = 1;
			goto out;
		case ':':
			snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
			goto usage;
		default:
			snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
			goto usage;
		}
	}
	if (optind >= argc) {
		snprintf(err, errlen, "no command given (can run [OPTIONS] -- CMD [ARGS...])");
		goto usage;
	}
	if (o->strict && o->monitor) {
		snprintf(err, errlen, "--strict and --monitor contradict each other (monitor refuses "
			 "nothing; strict kills on a refusal)");
		goto usage;
	}
	if (o->strict && o->degrade) {
		snprintf(err, errlen, "--strict and --allow-degraded contradict each other");
		goto usage;
	}
	o->ports = xcalloc(nspecs + 1, sizeof *o->ports);
	for (size_t i = 0; i < nspecs; i++)
		if (port_spec_parse(specs[i], o->publish_any, &o->ports[i], err, errlen) < 0) {
			goto usage;
		}
	o->nports = nspecs;
	o->cmd = &argv[optind];
out:
	free(specs);
	return rc;
usage:
	rc = CAN_EXIT_USAGE;
	goto out;
}
