-- Hand-worked fixture for kpi_national_arrivals (see national_arrivals.slt for the arithmetic).
-- table: arrivals_monthly
SELECT * FROM (VALUES
    ('DPS', 2023, 1, 100),
    ('DPS', 2023, 2, 0),
    ('DPS', 2023, 3, 80),
    ('DPS', 2024, 1, 150),
    ('DPS', 2024, 2, 40),
    ('DPS', 2024, 3, 60),
    ('CGK', 2024, 1, 50),
    ('CGK', 2024, 2, 10),
    ('JFK', 2023, 1, 1000),
    ('JFK', 2024, 1, 2000)
) AS t(port, year, month, arrivals)
