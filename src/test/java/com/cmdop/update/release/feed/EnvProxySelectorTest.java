package com.cmdop.update.release.feed;

import static com.cmdop.update.release.feed.FeedTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvProxySelectorTest {
    static final URI FEED = URI.create("https://releases.example.com/cmdop/channels/stable.json");

    static String proxyOf(Map<String, String> env, String uri) {
        List<Proxy> proxies = EnvProxySelector.fromEnvironment(env).select(URI.create(uri));
        assertThat(proxies).hasSize(1);
        Proxy p = proxies.get(0);
        if (p.type() == Proxy.Type.DIRECT) {
            return "DIRECT";
        }
        InetSocketAddress a = (InetSocketAddress) p.address();
        return a.getHostString() + ":" + a.getPort();
    }

    @Test
    void withoutProxyVariablesEverythingIsDirect() {
        assertThat(proxyOf(Map.of(), FEED.toString())).isEqualTo("DIRECT");
    }

    @ParameterizedTest
    @CsvSource({
        "http://proxy.corp:3128, proxy.corp:3128",
        "proxy.corp:3128, proxy.corp:3128",
        "http://proxy.corp, proxy.corp:80",
        "http://proxy.corp:3128/, proxy.corp:3128",
        "HTTP://Proxy.Corp:3128, proxy.corp:3128",
        "http://10.1.2.3:8080, 10.1.2.3:8080",
        "http://[fd00::1]:3128, fd00::1:3128",
    })
    void httpsProxyIsUsedForHttpsFeeds(String value, String expected) {
        assertThat(proxyOf(Map.of("HTTPS_PROXY", value), FEED.toString())).isEqualTo(expected);
        assertThat(proxyOf(Map.of("https_proxy", value), FEED.toString())).isEqualTo(expected);
    }

    @Test
    void lowerCaseHttpsProxyWinsOverUpperCase() {
        Map<String, String> env = Map.of("https_proxy", "http://lower:1", "HTTPS_PROXY", "http://upper:2");

        assertThat(proxyOf(env, FEED.toString())).isEqualTo("lower:1");
    }

    @Test
    void blankHttpsProxyMeansNoProxy() {
        assertThat(proxyOf(Map.of("HTTPS_PROXY", "  "), FEED.toString())).isEqualTo("DIRECT");
    }

    @ParameterizedTest
    @CsvSource({
        "https://127.0.0.1/feed/x",
        "https://localhost:8443/x",
        "https://[::1]/x",
        "http://127.0.0.1:8080/x",
        "http://localhost/x",
    })
    void loopbackNeverGoesThroughAProxy(String uri) {
        Map<String, String> env = Map.of("HTTPS_PROXY", "http://proxy.corp:3128", "HTTP_PROXY", "http://proxy.corp:3128",
                "http_proxy", "http://proxy.corp:3128");

        assertThat(proxyOf(env, uri)).isEqualTo("DIRECT");
    }

    @Test
    void httpProxyIsNeverUsed() {
        Map<String, String> env = Map.of("HTTP_PROXY", "http://proxy.corp:3128", "http_proxy", "http://proxy.corp:3128");

        assertThat(proxyOf(env, FEED.toString())).isEqualTo("DIRECT");
        assertThat(proxyOf(env, "http://releases.example.com/x")).isEqualTo("DIRECT");
    }

    @ParameterizedTest(name = "[{index}] NO_PROXY={0} for {1}")
    @CsvSource({
        "*, https://releases.example.com/x, DIRECT",
        "example.com, https://releases.example.com/x, DIRECT",
        "example.com, https://example.com/x, DIRECT",
        "example.com, https://notexample.com/x, proxy:3128",
        ".example.com, https://releases.example.com/x, DIRECT",
        ".example.com, https://example.com/x, DIRECT",
        "*.example.com, https://a.b.example.com/x, DIRECT",
        "EXAMPLE.COM., https://releases.example.com./x, DIRECT",
        "releases.example.com, https://cdn.example.com/x, proxy:3128",
        "'other.org, example.com', https://releases.example.com/x, DIRECT",
        "'other.org,,  ,example.com', https://releases.example.com/x, DIRECT",
        "'other.org example.com', https://releases.example.com/x, DIRECT",
        "releases.example.com:8443, https://releases.example.com:8443/x, DIRECT",
        "releases.example.com:8443, https://releases.example.com/x, proxy:3128",
        "releases.example.com:443, https://releases.example.com/x, DIRECT",
        "10.0.0.0/8, https://10.20.30.40/x, DIRECT",
        "10.0.0.0/8, https://11.0.0.1/x, proxy:3128",
        "192.168.1.0/25, https://192.168.1.127/x, DIRECT",
        "192.168.1.0/25, https://192.168.1.128/x, proxy:3128",
        "192.168.1.7, https://192.168.1.7/x, DIRECT",
        "2001:db8::/32, https://[2001:db8::5]/x, DIRECT",
        "2001:db8::/32, https://[2001:db9::5]/x, proxy:3128",
        "[2001:db8::5]:443, https://[2001:db8::5]/x, DIRECT",
        "10.0.0.0/99, https://10.0.0.1/x, proxy:3128",
        "example.com/8, https://example.com/x, proxy:3128",
    })
    void noProxyExcludesHostsByDomainSuffixAddressAndPort(String noProxy, String uri, String expected) {
        Map<String, String> env = Map.of("HTTPS_PROXY", "http://proxy:3128", "NO_PROXY", noProxy);

        assertThat(proxyOf(env, uri)).isEqualTo(expected);
    }

    @Test
    void lowerCaseNoProxyWinsOverUpperCase() {
        Map<String, String> env = Map.of("HTTPS_PROXY", "http://proxy:3128", "no_proxy", "other.org",
                "NO_PROXY", "example.com");

        assertThat(proxyOf(env, FEED.toString())).isEqualTo("proxy:3128");
    }

    @ParameterizedTest
    @CsvSource({
        "https://proxy.corp:443, only http:// proxies",
        "socks5://proxy.corp:1080, only http:// proxies",
        "http://proxy.corp:3128/path, path or query",
        "http://:3128, no host",
        "'http://proxy corp:3128', not a valid proxy URL",
    })
    void unusableProxySettingsAreRefusedNamingTheVariable(String value, String problem) {
        UpdateException e = failureOf(() -> EnvProxySelector.fromEnvironment(Map.of("HTTPS_PROXY", value)));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
        assertThat(e.details()).containsEntry("field", "HTTPS_PROXY");
        assertThat(e.getMessage()).contains("HTTPS_PROXY", problem);
    }

    @Test
    void proxyCredentialsAreRefusedWithoutEchoingThePassword() {
        UpdateException e = failureOf(() -> EnvProxySelector.fromEnvironment(
                Map.of("https_proxy", "http://user:s3cret@proxy.corp:3128")));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
        assertThat(e.getMessage()).contains("credentials", "http://***@proxy.corp:3128").doesNotContain("s3cret");
    }

    @Test
    void selectingForNoUriIsAProgrammingError() {
        assertThatThrownBy(() -> EnvProxySelector.fromEnvironment(Map.of()).select(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
