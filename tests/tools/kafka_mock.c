/* tests/tools/kafka_mock.c - a Kafka cluster for tests: librdkafka's mock
 * cluster (the real Kafka protocol over TCP on 127.0.0.1), with a topic.
 *
 *   kafka_mock [-b BROKERS] [-t TOPIC]... [-p PARTITIONS] [-d]
 *
 * Creates each TOPIC (default "shrike") with PARTITIONS partitions, prints
 * the bootstrap address ("127.0.0.1:PORT,...") and a newline on
 * stdout once the topic exists, then runs until SIGTERM/SIGINT.
 *   SIGUSR1  take every broker down (connections closed, new ones refused)
 *   SIGUSR2  bring every broker up again
 * -d starts with the brokers down. Each change is reported on stderr
 * ("brokers down" / "brokers up").
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static void set_all(rd_kafka_mock_cluster_t *mc, int nbrokers, int up)
{
	for (int id = 1; id <= nbrokers; id++) {
		rd_kafka_resp_err_t e = up ? rd_kafka_mock_broker_set_up(mc, id)
					   : rd_kafka_mock_broker_set_down(mc, id);
		if (e) {
			fprintf(stderr, "kafka_mock: broker %d: %s\n", id, rd_kafka_err2str(e));
		}
	}
	fprintf(stderr, "brokers %s\n", up ? "up" : "down");
}

int main(int argc, char **argv)
{
	int nbrokers = 1, partitions = 1, start_down = 0, c;
	const char *topics[16] = {"shrike"};
	int ntopics = 0;
	char errstr[512];
	int status = 1;
	rd_kafka_t *rk = NULL;
	rd_kafka_mock_cluster_t *mc = NULL;

	while ((c = getopt(argc, argv, "b:t:p:d")) != -1) {
		switch (c) {
		case 'b':
			nbrokers = atoi(optarg);
			break;
		case 't':
			if (ntopics == 16) {
				fprintf(stderr, "kafka_mock: at most 16 topics\n");
				return 2;
			}
			topics[ntopics++] = optarg;
			break;
		case 'p':
			partitions = atoi(optarg);
			break;
		case 'd':
			start_down = 1;
			break;
		default:
			fprintf(
			    stderr,
			    "usage: kafka_mock [-b BROKERS] [-t TOPIC]... [-p PARTITIONS] [-d]\n");
			return 2;
		}
	}
	if (nbrokers < 1 || partitions < 1) {
		fprintf(stderr, "kafka_mock: -b and -p must be at least 1\n");
		return 2;
	}

	/* Signals are taken with sigwait() only: block them before librdkafka
	 * starts its threads. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	if (rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
		fprintf(stderr, "kafka_mock: %s\n", errstr);
		rd_kafka_conf_destroy(conf);
		return 1;
	}
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
	if (!rk) {
		fprintf(stderr, "kafka_mock: %s\n", errstr);
		rd_kafka_conf_destroy(conf);
		return 1;
	}
	mc = rd_kafka_mock_cluster_new(rk, nbrokers);
	if (!mc) {
		fprintf(stderr, "kafka_mock: cannot create the mock cluster\n");
		goto out;
	}
	for (int i = 0; i < (ntopics ? ntopics : 1); i++) {
		rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(mc, topics[i], partitions, 1);
		if (e) {
			fprintf(stderr, "kafka_mock: topic %s: %s\n", topics[i],
				rd_kafka_err2str(e));
			goto out;
		}
	}
	if (start_down) {
		set_all(mc, nbrokers, 0);
	}
	printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
	fflush(stdout);

	for (;;) {
		int sig = 0;
		if (sigwait(&set, &sig) != 0) {
			goto out;
		}
		if (sig == SIGUSR1) {
			set_all(mc, nbrokers, 0);
		} else if (sig == SIGUSR2) {
			set_all(mc, nbrokers, 1);
		} else {
			break;
		}
	}
	status = 0;
out:
	if (mc) {
		rd_kafka_mock_cluster_destroy(mc);
	}
	rd_kafka_destroy(rk);
	return status;
}
