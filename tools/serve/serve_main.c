/* serve_main.c - wikipack-serve, the program behind `wikipack serve` */
/* See tools/cli/cli_helper.c for why it is a program of its own. */
#include "serve.h"

int main(int argc, char **argv) { return serve_cmd(argc, argv); }
