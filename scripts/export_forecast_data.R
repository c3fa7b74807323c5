# Exports the forecasting data sets (issue 31) to CSV (run by scripts/make_data.sh).
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "data"
# Dominick's Finer Foods refrigerated orange juice: weekly log units per (store, brand), every
# brand's price that week, deal, feat, profit (bayesm's orangeJuice; TSPerf's OJ benchmark data).
data(orangeJuice, package = "bayesm")
yx <- orangeJuice$yx
yx <- yx[, setdiff(names(yx), "constant")]
write.csv(yx, file.path(out, "oj_sales.csv"), row.names = FALSE)
cat(sprintf("data: oj_sales.csv (%d store-brand-weeks)\n", nrow(yx)))
# Store demographics (store + 12 columns), names lower-cased to match oj_sales.csv.
demo <- orangeJuice$storedemo
names(demo) <- tolower(names(demo))
write.csv(demo, file.path(out, "oj_stores.csv"), row.names = FALSE)
cat(sprintf("data: oj_stores.csv (%d stores)\n", nrow(demo)))
# Monthly US beverage sales (modeldata's drinks, from FRED S4248SM144NCEN).
data(drinks, package = "modeldata")
d <- data.frame(month = format(as.Date(drinks$date), "%Y-%m-%d"), sales = drinks[[2]])
write.csv(d, file.path(out, "drinks.csv"), row.names = FALSE)
cat(sprintf("data: drinks.csv (%d months)\n", nrow(d)))
