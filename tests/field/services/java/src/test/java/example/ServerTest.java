package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServerTest {
    private Server server;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        server = new Server("127.0.0.1", 0, 0);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthzAnswersOk() throws Exception {
        assertEquals(200, call("GET", "/healthz").statusCode());
    }

    @Test
    void metricsCountRequestsByCode() throws Exception {
        call("GET", "/");
        call("GET", "/missing");
        String text = call("GET", "/metrics").body();
        assertTrue(text.contains("http_requests_total{code=\"200\",method=\"GET\",path=\"/\"} 1"), text);
        assertTrue(text.contains("http_requests_total{code=\"404\",method=\"GET\",path=\"/missing\"} 1"), text);
        assertTrue(text.contains("http_request_duration_seconds_count 2"), text);
    }

    @Test
    void faultSwitchTurnsTenPercentInto5xx() throws Exception {
        assertEquals(204, call("POST", "/admin/faults?percent=10").statusCode());
        int failed = 0;
        for (int i = 0; i < 100; i++) {
            if (call("GET", "/").statusCode() == 500) {
                failed++;
            }
        }
        assertEquals(10, failed);
    }

    @Test
    void faultsSpreadEvenly() {
        Faults faults = new Faults(10);
        int failed = 0;
        for (int i = 0; i < 20; i++) {
            failed += faults.nextFails() ? 1 : 0;
        }
        assertEquals(2, failed);
    }
}
